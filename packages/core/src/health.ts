import type { Logger } from 'pino';
import { DuplicateHealthCheckError, InvalidOptionError } from './errors.ts';
import { CheckRunner } from './health/check-runner.ts';
import { errorText } from './error-text.ts';
import { textRedactor } from './logging/redaction.ts';
import type { CheckReport, HealthCheckDefinition, HealthReport, HealthStatus, ProbeKind } from './health/types.ts';
import type { Metrics } from './metrics.ts';

export type { CheckReport, HealthCheckDefinition, HealthReport, HealthStatus, ProbeKind } from './health/types.ts';

/** Options of {@link createHealth}. */
export interface HealthOptions {
  /** Logs checks that change status and failed startup tasks. @default undefined (silent) */
  readonly logger?: Logger;
  /**
   * Records `podkit_health_check_up{check}` and `podkit_health_check_duration_seconds{check,result}`.
   * @default undefined
   */
  readonly metrics?: Metrics;
  /** Timeout of checks that do not set one. @default 2000 */
  readonly defaultTimeoutMs?: number;
  /** Background interval of checks that do not set one. @default 5000 */
  readonly defaultIntervalMs?: number;
  /** Clock used for durations and ages (tests may inject one). @default Date.now */
  readonly now?: () => number;
  /**
   * Secret VALUES masked (as `[redacted]`) in every message a report carries: check errors, a
   * startup-task failure, a `setReady` reason. Pass the same source as the logger's
   * `LoggerOptions.redactValues` (`createService` does), so probe bodies are redacted exactly
   * like log lines. Re-read on every report, so a config reload takes effect at once.
   * @default undefined (messages are reported as they are)
   */
  readonly redactValues?: () => Iterable<string>;
}

/** Health checks and probe state of one service. */
export interface Health {
  /** Registers a check; returns a function that unregisters it. Throws if the name is taken. */
  register(definition: HealthCheckDefinition): () => void;
  /**
   * The probe report from cached results; synchronous and cheap, never waits on a check. Stale
   * results trigger a background refresh (shared with any run already in flight). Messages in it
   * are redacted with {@link HealthOptions.redactValues}.
   */
  report(kind: ProbeKind): HealthReport;
  /** Runs one check (by name) or all checks now; concurrent calls share one execution per check. */
  run(name?: string): Promise<Record<string, CheckReport>>;
  /** Manual readiness toggle (e.g. while a cache warms up). `reason` is shown in the report. */
  setReady(ready: boolean, reason?: string): void;
  /** Readiness (and startup) stay down until `promise` settles; a rejection fails the startup probe. */
  startupTask<T>(name: string, promise: Promise<T>): Promise<T>;
  /** Marks startup complete (once pending startup tasks also finish). Called by `lifecycle.start()`. */
  markStarted(): void;
  /** Readiness fails from now on, for good; liveness is unaffected. Called when shutdown begins. */
  beginShutdown(): void;
  /** Starts the background runs (each check at once, then on its interval). Idempotent. */
  start(): void;
  /** Stops background runs and closes checks (e.g. the event loop monitor). Idempotent. */
  close(): void;
}

/**
 * Creates the health registry of one service. Probes answer from cached results with their age,
 * so a thousand probe hits never mean a thousand database pings; liveness stays up during
 * shutdown while readiness fails.
 *
 * @example
 * ```ts
 * const health = createHealth({ logger, metrics });
 * health.register({ name: 'database', check: (signal) => pool.query('select 1', { signal }), timeoutMs: 1000 });
 * health.start();
 * health.report('readiness'); // { status: 'down', reason: 'starting', checks: { database: {...} } }
 * health.markStarted();
 * ```
 */
export function createHealth(options: HealthOptions = {}): Health {
  const now = options.now ?? ((): number => Date.now());
  const defaults = {
    timeoutMs: positive('defaultTimeoutMs', options.defaultTimeoutMs ?? 2000),
    intervalMs: positive('defaultIntervalMs', options.defaultIntervalMs ?? 5000),
  };
  const runners = new Map<string, CheckRunner>();
  const pendingStartup = new Set<string>();
  let startupFailure: string | undefined;
  let started = false;
  let running = false;
  let closed = false;
  let shuttingDown = false;
  let manualReason: string | undefined;

  const up = options.metrics?.gauge({ name: 'podkit_health_check_up', help: 'Last result of a health check (1 up, 0 down).', labelNames: ['check'] });
  const duration = options.metrics?.histogram({
    name: 'podkit_health_check_duration_seconds',
    help: 'Duration of health check runs by result.',
    labelNames: ['check', 'result'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const log = options.logger;
  const redact = options.redactValues === undefined ? (text: string): string => text : textRedactor(options.redactValues);

  const hooks = {
    now,
    redact,
    onResult(name: string, status: HealthStatus, durationMs: number, previous: HealthStatus | undefined, error?: string): void {
      up?.set({ check: name }, status === 'up' ? 1 : 0);
      duration?.observe({ check: name, result: status }, durationMs / 1000);
      if (status === 'down' && previous !== 'down') log?.warn({ check: name, error, durationMs }, 'health check failed');
      if (status === 'up' && previous === 'down') log?.info({ check: name, durationMs }, 'health check recovered');
    },
  };

  function schedule(runner: CheckRunner): void {
    void runner.run();
    runner.timer = setInterval(() => void runner.run(), runner.intervalMs);
    runner.timer.unref();
  }

  function gate(kind: ProbeKind): string | undefined {
    if (kind === 'liveness') return undefined;
    if (startupFailure !== undefined) return startupFailure;
    if (!started || pendingStartup.size > 0) return 'starting';
    if (kind === 'startup') return undefined;
    if (shuttingDown) return 'shutting down';
    return manualReason;
  }

  /** The gate's reason, redacted at read time too (a secret may have been added since it was set). */
  function gateReason(kind: ProbeKind): string | undefined {
    const reason = gate(kind);
    return reason === undefined ? undefined : redact(reason);
  }

  return {
    register(definition: HealthCheckDefinition): () => void {
      if (runners.has(definition.name)) throw new DuplicateHealthCheckError(definition.name);
      const runner = new CheckRunner(definition, defaults, hooks);
      positive(`check "${definition.name}" timeoutMs`, runner.timeoutMs);
      positive(`check "${definition.name}" intervalMs`, runner.intervalMs);
      runners.set(definition.name, runner);
      if (running) schedule(runner);
      return (): void => {
        if (runners.get(definition.name) !== runner) return;
        clearInterval(runner.timer);
        runners.delete(definition.name);
        definition.close?.();
      };
    },
    report(kind: ProbeKind): HealthReport {
      const t = now();
      const checks: Record<string, CheckReport> = {};
      let status: HealthStatus = 'up';
      for (const runner of runners.values()) {
        if (!runner.kinds.includes(kind)) continue;
        if (!closed && runner.stale(t)) void runner.run();
        const snapshot = runner.snapshot(t);
        checks[runner.name] = snapshot;
        if (runner.critical && snapshot.status === 'down') status = 'down';
      }
      const reason = gateReason(kind);
      if (reason !== undefined) return { status: 'down', kind, reason, checks };
      return { status, kind, checks };
    },
    async run(name?: string): Promise<Record<string, CheckReport>> {
      const selected = name === undefined ? [...runners.values()] : [runners.get(name)].filter((r) => r !== undefined);
      if (name !== undefined && selected.length === 0) throw new InvalidOptionError('name', `no health check named "${name}"`);
      const results = await Promise.all(selected.map(async (r) => [r.name, await r.run()] as const));
      return Object.fromEntries(results);
    },
    setReady(ready: boolean, reason?: string): void {
      manualReason = ready ? undefined : redact(reason ?? 'marked not ready');
    },
    startupTask<T>(name: string, promise: Promise<T>): Promise<T> {
      pendingStartup.add(name);
      promise.then(
        () => pendingStartup.delete(name),
        (err: unknown) => {
          pendingStartup.delete(name);
          startupFailure = redact(`startup task "${name}" failed: ${errorText(err)}`);
          log?.error({ err, task: name }, 'startup task failed');
        },
      );
      return promise;
    },
    markStarted(): void {
      started = true;
    },
    beginShutdown(): void {
      shuttingDown = true;
    },
    start(): void {
      if (running || closed) return;
      running = true;
      for (const runner of runners.values()) schedule(runner);
    },
    close(): void {
      if (closed) return;
      closed = true;
      running = false;
      for (const runner of runners.values()) {
        clearInterval(runner.timer);
        runner.definition.close?.();
      }
    },
  };
}

function positive(option: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new InvalidOptionError(option, `must be a positive number of milliseconds, got ${String(value)}`);
  }
  return value;
}
