import { TestingOptionsError } from '../errors.ts';
import { SimulatedDeployment, type DeploymentSpec, type RolloutOptions } from './deployment.ts';
import { startLoad, type LoadOptions, type LoadReport, type RunningLoad } from './load.ts';
import { buildReport, type RolloutReport } from './report.ts';
import { ServiceProxy } from './service-proxy.ts';

/** Options for {@link createCluster}. */
export interface ClusterOptions {
  /**
   * How long after a pod stops being Ready (SIGTERM included) its Service still sends it new
   * connections: the endpoints controller and kube-proxy propagation time. Keep it below the
   * service's propagation delay (podkit: 5 s in Kubernetes) for a clean rollout.
   * @default 1000
   */
  readonly endpointLagMs?: number;
  /** Environment of every pod (under each deployment's own `env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called with every output line of every pod. */
  readonly onLine?: (pod: string, line: string) => void;
}

/** A simulated cluster: Deployments, their Services, and a keep-alive load through them. */
export interface Cluster {
  /**
   * The URL of a Service, created (with no endpoints yet: connections are reset) before its
   * Deployment, so services that call each other can be given their URLs up front.
   */
  service(name: string): Promise<string>;
  /** Creates a Deployment and its Service; resolves when all its replicas are Ready. */
  deploy(spec: DeploymentSpec, options?: { readonly timeoutMs?: number }): Promise<SimulatedDeployment>;
  /** A deployed Deployment by name. */
  deployment(name: string): SimulatedDeployment;
  /** Rolls out a new revision of each named Deployment, all at once. @default every deployment */
  rollout(names?: readonly string[], options?: RolloutOptions): Promise<void>;
  /** Starts a keep-alive load through the Service `target` (a deployment or service name). */
  startLoad(target: string, options: LoadOptions): Promise<RunningLoad>;
  /** The report: pods so far and what `load` saw. */
  report(load: LoadReport): RolloutReport;
  /** SIGKILLs every pod and closes the Services. */
  close(): Promise<void>;
}

/**
 * Creates an empty simulated cluster.
 *
 * @example
 * ```ts
 * const cluster = createCluster({ endpointLagMs: 1000 });
 * const auth = await cluster.deploy({ name: 'auth', start: { module: 'src/auth/main.ts' }, manifest: 'deploy/auth.yaml' });
 * const load = await cluster.startLoad('auth', { requests: [{ path: '/healthz' }] });
 * await load.waitFor(50);
 * await cluster.rollout(['auth']);
 * const report = cluster.report(await load.stop());
 * await cluster.close();
 * ```
 */
export function createCluster(options: ClusterOptions = {}): Cluster {
  const endpointLagMs = options.endpointLagMs ?? 1000;
  if (!Number.isFinite(endpointLagMs) || endpointLagMs < 0) throw new TestingOptionsError(`endpointLagMs must be a non-negative number of ms, got ${String(endpointLagMs)}`);
  const proxies = new Map<string, Promise<ServiceProxy>>();
  const deployments = new Map<string, SimulatedDeployment>();
  const started = performance.now();
  const proxy = (name: string): Promise<ServiceProxy> => {
    let p = proxies.get(name);
    if (p === undefined) {
      p = new ServiceProxy(name).listen();
      proxies.set(name, p);
    }
    return p;
  };
  const get = (name: string): SimulatedDeployment => {
    const d = deployments.get(name);
    if (d === undefined) throw new TestingOptionsError(`no deployment named "${name}" (deployed: ${[...deployments.keys()].join(', ') || 'none'})`);
    return d;
  };
  return {
    async service(name) {
      return (await proxy(name)).url;
    },
    async deploy(spec, o = {}) {
      if (deployments.has(spec.name)) throw new TestingOptionsError(`deployment "${spec.name}" already exists`);
      const d = new SimulatedDeployment(spec, await proxy(spec.name), { endpointLagMs, env: options.env ?? {}, onLine: options.onLine });
      deployments.set(spec.name, d);
      await d.deploy(o.timeoutMs);
      return d;
    },
    deployment: get,
    async rollout(names = [...deployments.keys()], o = {}) {
      await Promise.all(names.map((n) => get(n).rollout(o)));
    },
    async startLoad(target, o) {
      return startLoad(o, await proxy(target));
    },
    report(load) {
      return buildReport([...deployments.values()].flatMap((d) => d.pods), load, performance.now() - started);
    },
    async close() {
      await Promise.all([...deployments.values()].map((d) => d.close(true)));
      await Promise.all([...proxies.values()].map(async (p) => (await p).close()));
    },
  };
}
