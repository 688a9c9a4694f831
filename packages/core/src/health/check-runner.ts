import { HealthCheckTimeoutError } from '../errors.ts';
import { errorText } from '../error-text.ts';
import type { CheckReport, HealthCheckDefinition, HealthStatus, ProbeKind } from './types.ts';

/** Callbacks a runner reports to (metrics, logs). */
export interface RunnerHooks {
  readonly now: () => number;
  readonly onResult: (name: string, status: HealthStatus, durationMs: number, previous: HealthStatus | undefined, error?: string) => void;
  /** Masks secret values in an error message (the logger's value redaction); identity when none. */
  readonly redact: (text: string) => string;
}

/**
 * Runs one check: single-flight (concurrent callers share one execution), a timeout that
 * aborts the check's signal and fails it, and a cached last result.
 */
export class CheckRunner {
  readonly name: string;
  readonly kinds: readonly ProbeKind[];
  readonly critical: boolean;
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly definition: HealthCheckDefinition;
  #hooks: RunnerHooks;
  #status: HealthStatus | undefined;
  #error: string | undefined;
  #durationMs = 0;
  #finishedAt: number | undefined;
  #inFlight: Promise<CheckReport> | undefined;
  timer: NodeJS.Timeout | undefined;

  constructor(definition: HealthCheckDefinition, defaults: { timeoutMs: number; intervalMs: number }, hooks: RunnerHooks) {
    this.definition = definition;
    this.name = definition.name;
    this.kinds = definition.kinds ?? ['readiness'];
    this.critical = definition.critical ?? true;
    this.timeoutMs = definition.timeoutMs ?? defaults.timeoutMs;
    this.intervalMs = definition.intervalMs ?? defaults.intervalMs;
    this.#hooks = hooks;
  }

  /** Whether the cached result is missing or older than the interval and no run is in flight. */
  stale(now: number): boolean {
    if (this.#inFlight !== undefined) return false;
    return this.#finishedAt === undefined || now - this.#finishedAt >= this.intervalMs;
  }

  /** The cached result, its error message redacted again (a secret may have been added since). */
  snapshot(now: number): CheckReport {
    const base = {
      status: this.#status ?? 'down',
      durationMs: this.#durationMs,
      ageMs: this.#finishedAt === undefined ? null : Math.max(0, now - this.#finishedAt),
      critical: this.critical,
    } as const;
    if (this.#status === undefined) return { ...base, error: 'not run yet' };
    return this.#error === undefined ? base : { ...base, error: this.#hooks.redact(this.#error) };
  }

  /** Runs the check, or joins the run already in flight. */
  run(): Promise<CheckReport> {
    this.#inFlight ??= this.#execute().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #execute(): Promise<CheckReport> {
    const { now } = this.#hooks;
    const started = now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new HealthCheckTimeoutError(this.name, this.timeoutMs);
        controller.abort(error);
        reject(error);
      }, this.timeoutMs);
      timer.unref();
    });
    let status: HealthStatus = 'up';
    let error: string | undefined;
    try {
      const result = await Promise.race([Promise.resolve().then(() => this.definition.check(controller.signal)), timeout]);
      if (result === false) throw new Error('check returned false');
    } catch (err) {
      status = 'down';
      // Redacted when stored (a secret rotated later is still masked) and again when read.
      error = this.#hooks.redact(errorText(err));
    } finally {
      clearTimeout(timer);
    }
    const previous = this.#status;
    this.#status = status;
    this.#error = error;
    this.#finishedAt = now();
    this.#durationMs = this.#finishedAt - started;
    this.#hooks.onResult(this.name, status, this.#durationMs, previous, error);
    return this.snapshot(this.#finishedAt);
  }
}
