import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PodStartError } from '../errors.ts';
import { accepts, freePort } from './free-port.ts';
import { httpProbe } from './http-probe.ts';
import type { PodSettings, ProbeSettings } from './manifest.ts';

/** Start a service by running a command (`npm`, `node`, a binary...). */
export interface CommandStart {
  readonly command: string;
  readonly args?: readonly string[];
  /** @default process.cwd() */
  readonly cwd?: string;
}

/** Start a service by running a module with this Node.js (`node [...nodeArgs] module`). */
export interface ModuleStart {
  /** Path of the entry module (a `.js`, or a `.ts` Node can strip types from). */
  readonly module: string;
  /** Node.js flags, e.g. `['--conditions=@podkit/source']`. @default [] */
  readonly nodeArgs?: readonly string[];
  /** @default process.cwd() */
  readonly cwd?: string;
}

/** How to start one replica. */
export type StartSpec = CommandStart | ModuleStart;

/**
 * How the simulator learns a replica's ports. `learn`: `PORT` and `ADMIN_PORT` are `0` and the
 * ports come from the `http server listening` log line podkit's `serve()` prints (or an IPC
 * `{ type: 'listening', port, adminPort }` message). `assign`: the simulator picks free ports and
 * passes them in those variables (any server that honours `PORT`).
 */
export type PortMode = 'learn' | 'assign';

/** How a process ended. */
export interface PodExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Probe failures seen, per probe. */
export interface ProbeFailures {
  startup: number;
  readiness: number;
  liveness: number;
}

/** Everything a pod needs from its deployment. @internal */
export interface PodInit {
  readonly name: string;
  readonly deployment: string;
  readonly revision: number;
  readonly start: StartSpec;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly settings: PodSettings;
  readonly ports: PortMode;
  readonly portEnv: string;
  readonly adminPortEnv: string;
  readonly startTimeoutMs: number;
  readonly restartDelayMs: number;
  readonly maxLogLines: number;
  readonly onLine: ((pod: string, line: string) => void) | undefined;
  /** Any state change (ready flipped, exited, restarted). */
  readonly onChange: (pod: SimulatedPod) => void;
}

/**
 * One replica: a child process probed as the kubelet probes a container (startup gating liveness
 * and readiness), restarted in place when it exits or fails its liveness or startup probe,
 * terminated with SIGTERM then SIGKILL at the grace period.
 */
export class SimulatedPod {
  /** Pod name, e.g. `posts-r2-1`. */
  readonly name: string;
  /** Deployment name. */
  readonly deployment: string;
  /** Revision (1 for the first rollout's pods, then 2, ...). */
  readonly revision: number;
  /** Output lines (stdout and stderr), the last `maxLogLines` kept. */
  readonly logs: string[] = [];
  /** Probe failures so far. */
  readonly probeFailures: ProbeFailures = { startup: 0, readiness: 0, liveness: 0 };
  /** Container restarts (exits, failed liveness or startup probes). */
  restarts = 0;
  /** Public port (0 until known). */
  port = 0;
  /** Admin port (0 until known, or when the service has none). */
  adminPort = 0;
  /** Passed its startup probe (or has none) in the current container. */
  started = false;
  /** Passes its readiness probe. */
  ready = false;
  /** SIGTERM sent (the pod is being deleted). */
  terminating = false;
  /** SIGKILL sent at the end of the grace period. */
  killed = false;
  /** How the last process ended (`undefined` while running). */
  exit: PodExit | undefined;
  /** ms from SIGTERM to exit. */
  exitAfterMs: number | undefined;
  /** ms from the first spawn to the first time it was Ready (`undefined` until then). */
  readyAfterMs: number | undefined;
  /** Why the last start failed, if it did. */
  lastError: Error | undefined;
  readonly #o: PodInit;
  #child: ChildProcess | undefined;
  #generation = 0;
  #termAt = 0;
  #timers = new Set<NodeJS.Timeout>();
  #exited: Promise<void> = Promise.resolve();
  #spawnedAt = 0;

  /** Use `cluster.deploy()`: a deployment creates its pods. @internal */
  constructor(init: PodInit) {
    this.#o = init;
    this.name = init.name;
    this.deployment = init.deployment;
    this.revision = init.revision;
  }

  /** The grace period in ms (`terminationGracePeriodSeconds`). */
  get gracePeriodMs(): number {
    return this.#o.settings.terminationGracePeriodSeconds * 1000;
  }

  /** Whether the process has exited and will not be restarted. */
  get gone(): boolean {
    return this.terminating && this.exit !== undefined;
  }

  /** Spawns the container's process. */
  start(): void {
    this.#spawnedAt = performance.now();
    void this.#run();
  }

  /** SIGTERM now, SIGKILL at the grace period; resolves when the process has exited. */
  async terminate(): Promise<void> {
    if (this.terminating) return this.#exited;
    this.terminating = true;
    this.#generation++; // stops the probe loops
    this.#setReady(false);
    this.#termAt = performance.now();
    const child = this.#child;
    if (child === undefined || this.exit !== undefined) {
      this.exitAfterMs = 0;
      this.#o.onChange(this);
      return;
    }
    child.kill('SIGTERM');
    const grace = setTimeout(() => {
      if (this.exit !== undefined) return;
      this.killed = true;
      child.kill('SIGKILL');
    }, this.gracePeriodMs);
    await this.#exited;
    clearTimeout(grace);
  }

  /** SIGKILLs the process at once (cleanup). */
  async kill(): Promise<void> {
    this.terminating = true;
    this.#generation++;
    this.#clearTimers();
    if (this.#child !== undefined && this.exit === undefined) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  async #run(): Promise<void> {
    const gen = ++this.#generation;
    this.started = false;
    this.exit = undefined;
    this.port = 0;
    this.adminPort = 0;
    const o = this.#o;
    const env: Record<string, string | undefined> = { ...o.env };
    if (o.ports === 'assign') {
      env[o.portEnv] = String(await freePort());
      env[o.adminPortEnv] = String(await freePort());
    } else {
      env[o.portEnv] = '0';
      env[o.adminPortEnv] = '0';
    }
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const [command, args] = 'module' in o.start ? [process.execPath, [...(o.start.nodeArgs ?? []), o.start.module]] : [o.start.command, [...(o.start.args ?? [])]];
    const child = spawn(command, args, { cwd: o.start.cwd, env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.#child = child;
    child.channel?.unref();
    let onExit!: () => void;
    this.#exited = new Promise((resolve) => (onExit = resolve));
    const portsKnown = (port: number, adminPort: number | undefined): void => {
      if (this.port !== 0 || gen !== this.#generation) return;
      this.port = port;
      this.adminPort = adminPort ?? 0;
      this.#probeStartup(gen);
    };
    const onLine = (line: string): void => {
      this.logs.push(line);
      if (this.logs.length > o.maxLogLines) this.logs.shift();
      o.onLine?.(this.name, line);
      if (o.ports === 'learn' && this.port === 0 && line.includes('http server listening')) {
        try {
          const msg = JSON.parse(line) as { port?: unknown; adminPort?: unknown };
          if (typeof msg.port === 'number') portsKnown(msg.port, typeof msg.adminPort === 'number' ? msg.adminPort : undefined);
        } catch {
          // not a JSON log line
        }
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.on('message', (msg: { type?: unknown; port?: unknown; adminPort?: unknown }) => {
      if (o.ports === 'learn' && msg.type === 'listening' && typeof msg.port === 'number') portsKnown(msg.port, typeof msg.adminPort === 'number' ? msg.adminPort : undefined);
    });
    child.on('error', (err) => {
      this.lastError = new PodStartError(this.name, `could not be spawned: ${err.message}`, []);
    });
    child.once('exit', (code, signal) => {
      this.exit = { code, signal };
      if (this.terminating) this.exitAfterMs = performance.now() - this.#termAt;
      this.#setReady(false);
      this.started = false;
      onExit();
      if (!this.terminating) {
        // restartPolicy: Always
        this.restarts++;
        this.#after(o.restartDelayMs, () => void this.#run(), this.#generation);
      }
      this.#o.onChange(this);
    });
    if (o.ports === 'assign') {
      const port = Number(env[o.portEnv]);
      const admin = Number(env[o.adminPortEnv]);
      const deadline = performance.now() + o.startTimeoutMs;
      while (gen === this.#generation && this.exit === undefined && !(await accepts(port))) {
        if (performance.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      if (gen === this.#generation && this.exit === undefined) portsKnown(port, (await accepts(admin)) ? admin : undefined);
    }
    this.#after(o.startTimeoutMs, () => {
      if (this.port !== 0 || this.exit !== undefined) return;
      this.lastError = new PodStartError(this.name, `did not report its ports within ${String(o.startTimeoutMs)} ms`, this.logs.slice(-20));
      child.kill('SIGKILL');
    }, gen);
  }

  #portOf(probe: ProbeSettings): number {
    return probe.target === 'admin' && this.adminPort !== 0 ? this.adminPort : this.port;
  }

  #probeStartup(gen: number): void {
    const probe = this.#o.settings.startupProbe;
    if (probe === undefined) return this.#onStarted(gen);
    this.#loop(gen, probe, 'startup', (ok, streak) => {
      if (ok && streak >= probe.successThreshold) {
        this.#onStarted(gen);
        return false;
      }
      if (!ok && streak >= probe.failureThreshold) this.#restart();
      return ok || streak < probe.failureThreshold;
    });
  }

  #onStarted(gen: number): void {
    this.started = true;
    this.#o.onChange(this);
    const readiness = this.#o.settings.readinessProbe;
    const liveness = this.#o.settings.livenessProbe;
    if (readiness === undefined) this.#setReady(true);
    else {
      this.#loop(gen, readiness, 'readiness', (ok, streak) => {
        if (ok && streak >= readiness.successThreshold) this.#setReady(true);
        if (!ok && streak >= readiness.failureThreshold) this.#setReady(false);
        return true;
      });
    }
    if (liveness !== undefined) {
      this.#loop(gen, liveness, 'liveness', (ok, streak) => {
        if (!ok && streak >= liveness.failureThreshold) {
          this.#restart();
          return false;
        }
        return true;
      });
    }
  }

  /** Runs `probe` every period; `next(ok, streak)` returns whether to go on. */
  #loop(gen: number, probe: ProbeSettings, kind: keyof ProbeFailures, next: (ok: boolean, streak: number) => boolean): void {
    let last: boolean | undefined;
    let streak = 0;
    const once = async (): Promise<void> => {
      if (gen !== this.#generation) return;
      const ok = await httpProbe(this.#portOf(probe), probe.path, probe.timeoutSeconds * 1000);
      if (gen !== this.#generation) return;
      if (!ok) this.probeFailures[kind]++;
      streak = ok === last ? streak + 1 : 1;
      last = ok;
      if (next(ok, streak)) this.#after(probe.periodSeconds * 1000, () => void once(), gen);
    };
    this.#after(probe.initialDelaySeconds * 1000, () => void once(), gen);
  }

  /** The kubelet kills a container that failed liveness/startup: SIGTERM, grace, SIGKILL; the exit handler restarts it. */
  #restart(): void {
    const child = this.#child;
    this.#generation++;
    this.#setReady(false);
    if (child === undefined || this.exit !== undefined) return;
    child.kill('SIGTERM');
    const gen = this.#generation;
    this.#after(this.gracePeriodMs, () => {
      if (this.exit === undefined) child.kill('SIGKILL');
    }, gen);
  }

  #setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    if (ready && this.readyAfterMs === undefined) this.readyAfterMs = performance.now() - this.#spawnedAt;
    this.#o.onChange(this);
  }

  #after(ms: number, fn: () => void, gen: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      if (gen === this.#generation) fn();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }

  #clearTimers(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
