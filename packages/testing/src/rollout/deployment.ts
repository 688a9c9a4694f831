import { RolloutTimeoutError, TestingOptionsError } from '../errors.ts';
import { readPodSettings, type ManifestSource, type PodOverrides, type PodSettings } from './manifest.ts';
import { SimulatedPod, type PortMode, type StartSpec } from './pod.ts';
import type { ServiceProxy } from './service-proxy.ts';
import { ChangeSignal } from './signal.ts';

/** One Deployment to simulate: how to start a replica, and optionally its manifest. */
export interface DeploymentSpec {
  /** Deployment (and Service) name. */
  readonly name: string;
  /** How to start one replica. */
  readonly start: StartSpec;
  /** The Deployment manifest: a file path, YAML text or a parsed object. @default Kubernetes' defaults */
  readonly manifest?: ManifestSource;
  /** Which Deployment of a multi-document manifest. @default the first */
  readonly deploymentName?: string;
  /** Which container. @default the first */
  readonly container?: string;
  /** Changes to what the manifest says (short probe periods in tests). */
  readonly overrides?: PodOverrides;
  /**
   * Environment of every replica, over the inherited `process.env` and the manifest's literal
   * `env` values; `undefined` removes a variable.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** How replicas' ports are found. @default 'learn' */
  readonly ports?: PortMode;
  /** @default 'PORT' */
  readonly portEnv?: string;
  /** @default 'ADMIN_PORT' */
  readonly adminPortEnv?: string;
  /** Time a replica has to report its ports before it is killed and restarted. @default 60000 */
  readonly startTimeoutMs?: number;
  /** Delay before restarting a container that exited. @default 1000 */
  readonly restartDelayMs?: number;
  /** Output lines kept per pod. @default 2000 */
  readonly maxLogLines?: number;
}

/** Cluster-wide settings a deployment uses. @internal */
export interface DeploymentContext {
  readonly endpointLagMs: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly onLine: ((pod: string, line: string) => void) | undefined;
}

/** Options for {@link SimulatedDeployment.rollout}. */
export interface RolloutOptions {
  /** Environment changes of the new revision (what changed in the pod template). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The rollout fails with {@link RolloutTimeoutError} after this. @default 120000 */
  readonly timeoutMs?: number;
}

/**
 * A Deployment and its Service: replicas as child processes behind a connection-level balancer,
 * endpoints following readiness (removal lagging by the cluster's `endpointLagMs`), rolling
 * updates by `maxSurge`/`maxUnavailable`.
 */
export class SimulatedDeployment {
  /** Deployment name. */
  readonly name: string;
  /** What the manifest and overrides resolved to. */
  readonly settings: PodSettings;
  /** Every pod this deployment ever ran, oldest first. */
  readonly pods: SimulatedPod[] = [];
  readonly #spec: DeploymentSpec;
  readonly #ctx: DeploymentContext;
  readonly #proxy: ServiceProxy;
  readonly #changed = new ChangeSignal();
  readonly #removals = new Map<string, NodeJS.Timeout>();
  #revision = 0;
  #env: Readonly<Record<string, string | undefined>> = {};
  #index = 0;

  /** Use `cluster.deploy()`. @internal */
  constructor(spec: DeploymentSpec, proxy: ServiceProxy, ctx: DeploymentContext) {
    this.name = spec.name;
    this.#spec = spec;
    this.#ctx = ctx;
    this.#proxy = proxy;
    this.settings = readPodSettings(spec.manifest, { deployment: spec.deploymentName, container: spec.container, overrides: spec.overrides });
  }

  /** The Service's URL (`http://127.0.0.1:<port>`): connections are balanced to Ready pods. */
  get url(): string {
    return this.#proxy.url;
  }

  /** The current revision (1 after the first deploy). */
  get revision(): number {
    return this.#revision;
  }

  /** Pods not yet deleted. */
  live(): SimulatedPod[] {
    return this.pods.filter((p) => !p.terminating);
  }

  /** Pods listed as Service endpoints now. */
  endpoints(): string[] {
    return this.#proxy.endpoints();
  }

  /** Creates revision 1 with `settings.replicas` pods; resolves when all are Ready. */
  async deploy(timeoutMs = 120_000): Promise<void> {
    if (this.#revision !== 0) throw new TestingOptionsError(`deployment ${this.name} is already deployed`);
    this.#revision = 1;
    for (let i = 0; i < this.settings.replicas; i++) this.#create();
    await this.#until(timeoutMs, () => this.live().every((p) => p.ready), () => `deployment ${this.name}: ${this.#status()}`);
  }

  /**
   * Rolls out a new revision as the Deployment controller does: surge pods are created while the
   * total stays within replicas + maxSurge, old pods deleted while the Ready ones stay at least
   * replicas − maxUnavailable. Resolves when every old pod has exited.
   */
  async rollout(options: RolloutOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 120_000;
    this.#revision++;
    this.#env = { ...this.#env, ...options.env };
    const revision = this.#revision;
    const { replicas, maxSurge, maxUnavailable } = this.settings;
    const deleting: Promise<void>[] = [];
    const step = (): boolean => {
      const live = this.live();
      const fresh = live.filter((p) => p.revision === revision);
      const old = live.filter((p) => p.revision !== revision);
      if (old.length === 0 && fresh.length === replicas && fresh.every((p) => p.ready)) return true;
      for (let total = live.length, n = fresh.length; total < replicas + maxSurge && n < replicas; total++, n++) this.#create();
      let available = live.filter((p) => p.ready).length;
      for (const pod of [...old].sort((a, b) => Number(a.ready) - Number(b.ready))) {
        if (pod.ready && available - 1 < replicas - maxUnavailable) continue;
        if (pod.ready) available--;
        deleting.push(this.#delete(pod));
      }
      return false;
    };
    await this.#until(timeoutMs, step, () => `rollout of ${this.name} to revision ${String(revision)}: ${this.#status()}`);
    await Promise.all(deleting);
  }

  /** Deletes every pod: SIGTERM, SIGKILL at the grace period (or at once with `force`). */
  async close(force = true): Promise<void> {
    for (const t of this.#removals.values()) clearTimeout(t);
    await Promise.all(this.pods.map((p) => (force ? p.kill() : p.terminate())));
  }

  #create(): SimulatedPod {
    const name = `${this.name}-r${String(this.#revision)}-${String(++this.#index)}`;
    const s = this.#spec;
    const pod = new SimulatedPod({
      name,
      deployment: this.name,
      revision: this.#revision,
      start: s.start,
      env: {
        ...process.env,
        ...this.settings.env,
        // what the kubelet injects: podkit applies its propagation delay when it sees these
        KUBERNETES_SERVICE_HOST: '10.96.0.1',
        KUBERNETES_SERVICE_PORT: '443',
        HOSTNAME: name,
        POD_NAME: name,
        ...this.#ctx.env,
        ...s.env,
        ...this.#env,
      },
      settings: this.settings,
      ports: s.ports ?? 'learn',
      portEnv: s.portEnv ?? 'PORT',
      adminPortEnv: s.adminPortEnv ?? 'ADMIN_PORT',
      startTimeoutMs: s.startTimeoutMs ?? 60_000,
      restartDelayMs: s.restartDelayMs ?? 1000,
      maxLogLines: s.maxLogLines ?? 2000,
      onLine: this.#ctx.onLine,
      onChange: (p) => this.#onChange(p),
    });
    this.pods.push(pod);
    pod.start();
    return pod;
  }

  #delete(pod: SimulatedPod): Promise<void> {
    return pod.terminate();
  }

  #onChange(pod: SimulatedPod): void {
    const listed = this.#proxy.endpoints().includes(pod.name);
    if (pod.ready && !pod.terminating) {
      const pending = this.#removals.get(pod.name);
      if (pending !== undefined) clearTimeout(pending);
      this.#removals.delete(pod.name);
      this.#proxy.add({ pod: pod.name, port: pod.port });
    } else if (listed && !this.#removals.has(pod.name)) {
      // the endpoints controller and kube-proxy take a while to stop sending new connections
      const t = setTimeout(() => {
        this.#removals.delete(pod.name);
        this.#proxy.remove(pod.name);
      }, this.#ctx.endpointLagMs);
      t.unref();
      this.#removals.set(pod.name, t);
    }
    this.#changed.notify();
  }

  async #until(timeoutMs: number, done: () => boolean, status: () => string): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      while (!done()) {
        const woke = await Promise.race([this.#changed.wait(), expired]);
        if (woke === 'timeout' || performance.now() > deadline) {
          const tails = this.live().filter((p) => !p.ready).map((p) => `--- ${p.name}${p.lastError ? ` (${p.lastError.message})` : ''}\n${p.logs.slice(-10).join('\n')}`);
          throw new RolloutTimeoutError(`${status()} not done after ${String(timeoutMs)} ms\n${tails.join('\n')}`);
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }

  #status(): string {
    return this.live().map((p) => `${p.name} ${p.ready ? 'ready' : p.started ? 'started' : 'starting'}${p.restarts > 0 ? ` (${String(p.restarts)} restarts)` : ''}`).join(', ');
  }
}
