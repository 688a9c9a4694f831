import type { Logger } from 'pino';
import { LifecycleStateError } from './errors.ts';
import type { Health } from './health.ts';
import { runDrain, runHooks } from './lifecycle/phases.ts';
import type { Pending } from './lifecycle/phases.ts';
import { planShutdown } from './lifecycle/plan.ts';
import type { ShutdownPlan } from './lifecycle/plan.ts';
import { delay } from './lifecycle/run-bounded.ts';
import { installProcessHandlers } from './lifecycle/signals.ts';
import type { Drainer, LifecycleProcess, LifecycleState, ShutdownHook } from './lifecycle/types.ts';
import { flushLogger } from './logging/flush.ts';
import type { Metrics } from './metrics.ts';

export type { ShutdownPlan } from './lifecycle/plan.ts';
export type { DrainContext, DrainResult, Drainer, LifecycleProcess, LifecycleState, ShutdownHook } from './lifecycle/types.ts';

/** Options of {@link createLifecycle}. */
export interface LifecycleOptions {
  /** Logger for phase lines; a `component: 'lifecycle'` child is used. */
  readonly logger: Logger;
  /** Readiness is turned off through it at the start of shutdown. @default undefined */
  readonly health?: Health;
  /** Records `podkit_shutdown_phase_duration_seconds{phase}`. @default undefined */
  readonly metrics?: Metrics;
  /**
   * Kubernetes' `terminationGracePeriodSeconds`, in ms. Set it to match the pod spec.
   * @default env PODKIT_GRACE_PERIOD_SECONDS × 1000, else 30000
   */
  readonly gracePeriodMs?: number;
  /**
   * Time to keep serving after SIGTERM while Kubernetes removes the pod from endpoints.
   * @default 5000 when KUBERNETES_SERVICE_HOST is set, else 0
   */
  readonly propagationDelayMs?: number;
  /** Drain budget. @default what the grace period leaves after delay, hooks and margin */
  readonly drainTimeoutMs?: number;
  /** Budget of all hooks together. @default 30 % of what is left after delay and margin, 1..10 s */
  readonly hooksTimeoutMs?: number;
  /** Kept free before SIGKILL. @default max(1000, 5 % of the grace period) */
  readonly safetyMarginMs?: number;
  /** How the process ends. @default (code) => process.exit(code) */
  readonly exit?: (code: number) => void;
  /** Where signal and fatal-error listeners are installed by `start()`. @default process */
  readonly process?: LifecycleProcess;
  /** Environment read for the defaults. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** Signals, the planned shutdown sequence, drainers, hooks and tracked work of one process. */
export interface Lifecycle {
  /** Current state: `idle` → `running` (started) → `stopping` → `stopped`. */
  readonly state: LifecycleState;
  /** The validated split of the grace period. */
  readonly plan: ShutdownPlan;
  /** Aborted the moment shutdown begins: long-running loops (workers) check it to stop taking work. */
  readonly signal: AbortSignal;
  /** Registers a drainer (phase 3, concurrent with other drainers). Returns its removal. */
  addDrainer(drainer: Drainer): () => void;
  /** Registers a hook (phase 4, run in reverse registration order). Returns its removal. */
  addHook(hook: ShutdownHook): () => void;
  /** Keeps `promise` in the drain: shutdown waits for it (within the drain budget). Returns it. */
  track<T>(promise: Promise<T>): Promise<T>;
  /** Calls `listener` the moment shutdown begins, before the delay. Returns its removal. */
  onShutdown(listener: (reason: string) => void): () => void;
  /**
   * Installs the SIGTERM, SIGINT, uncaughtException and unhandledRejection handlers. (The plan was
   * already validated by `createLifecycle`.) Throws `LifecycleStateError` unless the state is `idle`.
   */
  start(): void;
  /** Runs the shutdown sequence once (later calls return the same promise) and then calls `exit`. */
  shutdown(reason?: string, exitCode?: number): Promise<void>;
  /** Removes the installed handlers. Idempotent. */
  dispose(): void;
}

/**
 * Creates the lifecycle and plans the shutdown budget, throwing `ShutdownBudgetError` right away
 * (at startup, not during a rollout) when the phases cannot fit the grace period. Nothing is
 * installed until `start()`; `dispose()` removes it again.
 * On SIGTERM/SIGINT/`shutdown()`: readiness off at once → propagation delay (still serving) →
 * drain → hooks in reverse order → exit 0 (or 1 if anything failed, timed out or the budget ran
 * out). Repeated signals are logged and ignored; a second SIGINT exits immediately (130).
 *
 * @example
 * ```ts
 * const lifecycle = createLifecycle({ logger, health, metrics, gracePeriodMs: 30_000 });
 * lifecycle.addHook({ name: 'db', run: () => pool.end(), timeoutMs: 5000 });
 * lifecycle.start();
 * ```
 */
export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const env = options.env ?? process.env;
  const plan = planShutdown(options, env);
  const log = options.logger.child({ component: 'lifecycle' });
  const exit = options.exit ?? ((code: number): void => process.exit(code));
  const proc = options.process ?? process;
  const drainers: Drainer[] = [];
  const hooks: ShutdownHook[] = [];
  const tracked = new Set<Promise<unknown>>();
  const listeners = new Set<(reason: string) => void>();
  const stopping = new AbortController();
  const pending: Pending = new Set();
  const phaseHistogram = options.metrics?.histogram({
    name: 'podkit_shutdown_phase_duration_seconds',
    help: 'Duration of each shutdown phase.',
    labelNames: ['phase'],
    buckets: [0.01, 0.1, 0.5, 1, 2.5, 5, 10, 20, 30, 60],
  });
  let state: LifecycleState = 'idle';
  let warnedHooksTotal = false;
  let removeHandlers: (() => void) | undefined;
  let sequence: Promise<void> | undefined;
  let exitCode = 0;
  let exited = false;
  let sigints = 0;

  function remove<T>(list: T[], item: T): () => void {
    return () => {
      const i = list.indexOf(item);
      if (i >= 0) list.splice(i, 1);
    };
  }

  async function phase(name: string, fn: () => Promise<boolean | void> | boolean | void): Promise<void> {
    const started = Date.now();
    const ok = await fn();
    const durationMs = Date.now() - started;
    if (ok === false) exitCode = 1;
    phaseHistogram?.observe({ phase: name }, durationMs / 1000);
    log.info({ phase: name, durationMs }, `shutdown phase ${name} done`);
  }

  async function finish(code: number): Promise<void> {
    if (exited) return;
    exited = true;
    state = 'stopped';
    log.info({ exitCode: code }, 'shutdown complete');
    await flushLogger(options.logger);
    lifecycle.dispose();
    exit(code);
  }

  async function run(reason: string): Promise<void> {
    const started = Date.now();
    const budgetMs = plan.gracePeriodMs - plan.safetyMarginMs;
    log.info({ reason, plan }, 'shutdown started');
    // The one ref'ed timer: it keeps the process alive until the sequence ends, and ends it
    // (exit 1) if the budget runs out before SIGKILL would.
    const watchdog = setTimeout(() => {
      log.error({ pending: [...pending], budgetMs }, 'shutdown budget exceeded; exiting with work pending');
      void finish(1);
    }, budgetMs);
    await phase('readiness', () => {
      options.health?.beginShutdown();
      stopping.abort(new Error(`shutting down: ${reason}`));
      for (const listener of listeners) {
        try {
          listener(reason);
        } catch (err) {
          log.error({ err }, 'onShutdown listener failed');
        }
      }
    });
    await phase('propagation_delay', () => delay(plan.propagationDelayMs));
    await phase('drain', () =>
      runDrain(drainers, tracked, Math.min(Date.now() + plan.drainTimeoutMs, started + budgetMs), log, pending),
    );
    await phase('hooks', () => runHooks(hooks, plan.hooksTimeoutMs, Math.min(Date.now() + plan.hooksTimeoutMs, started + budgetMs), log, pending));
    clearTimeout(watchdog);
    await finish(exitCode);
  }

  const lifecycle: Lifecycle = {
    get state() {
      return state;
    },
    plan,
    signal: stopping.signal,
    addDrainer(drainer: Drainer): () => void {
      drainers.push(drainer);
      return remove(drainers, drainer);
    },
    addHook(hook: ShutdownHook): () => void {
      if (hook.timeoutMs !== undefined && hook.timeoutMs > plan.hooksTimeoutMs) {
        log.warn({ hook: hook.name, timeoutMs: hook.timeoutMs, hooksTimeoutMs: plan.hooksTimeoutMs }, 'hook timeout exceeds the hooks budget; it will be capped');
      }
      hooks.push(hook);
      // Hooks run one after another: if their timeouts add up past the budget and they all hang,
      // the ones registered first (run last: often telemetry flushes) are skipped. Say so once, now.
      const total = hooks.reduce((sum, h) => sum + (h.timeoutMs ?? 0), 0);
      if (!warnedHooksTotal && total > plan.hooksTimeoutMs) {
        warnedHooksTotal = true;
        log.warn(
          { hooks: hooks.map((h) => ({ name: h.name, timeoutMs: h.timeoutMs })), totalTimeoutMs: total, hooksTimeoutMs: plan.hooksTimeoutMs },
          'shutdown hook timeouts add up past the hooks budget: if they all hang, the first registered are skipped; lower their timeouts or raise the grace period',
        );
      }
      return remove(hooks, hook);
    },
    track<T>(promise: Promise<T>): Promise<T> {
      tracked.add(promise);
      const untrack = (): void => void tracked.delete(promise);
      promise.then(untrack, untrack);
      return promise;
    },
    onShutdown(listener: (reason: string) => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    start(): void {
      if (state !== 'idle') throw new LifecycleStateError(`start() called in state "${state}"`);
      state = 'running';
      removeHandlers = installProcessHandlers(proc, {
        onSignal(signal) {
          if (signal === 'SIGINT') sigints++;
          if (sequence === undefined) {
            log.info({ signal }, `received ${signal}`);
            void lifecycle.shutdown(signal);
          } else if (signal === 'SIGINT' && sigints >= 2) {
            log.warn({ signal, pending: [...pending] }, 'second SIGINT: exiting immediately');
            if (!exited) {
              exited = true;
              options.logger.flush();
              lifecycle.dispose();
              exit(130);
            }
          } else {
            log.warn({ signal }, `received ${signal} while shutting down; ignored`);
          }
        },
        onFatal(error, origin) {
          log.fatal({ err: error, origin }, origin === 'uncaughtException' ? 'uncaught exception' : 'unhandled promise rejection');
          void lifecycle.shutdown(origin, 1);
        },
      });
      log.debug({ plan }, 'lifecycle started');
    },
    shutdown(reason = 'shutdown()', code = 0): Promise<void> {
      if (code !== 0) exitCode = code;
      if (sequence === undefined) {
        state = 'stopping';
        sequence = run(reason);
      }
      return sequence;
    },
    dispose(): void {
      removeHandlers?.();
      removeHandlers = undefined;
    },
  };
  return lifecycle;
}
