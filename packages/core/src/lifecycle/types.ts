/** What a drainer receives when the drain phase starts. */
export interface DrainContext {
  /** Epoch ms by which the drain must be done (the drain budget's end). */
  readonly deadline: number;
  /** Aborted at the deadline: stop waiting and cut what is left. */
  readonly signal: AbortSignal;
}

/**
 * Optional result of a drain. Any object is logged as the drainer's outcome; `cut` (or
 * `dropped`) above zero, or `completed: false`, marks the shutdown as incomplete (exit code 1).
 */
export interface DrainResult {
  /** Whether every unit of in-flight work finished. */
  readonly completed?: boolean;
  /** Units of work cut at the deadline. */
  readonly cut?: number;
  /** Units of work dropped (e.g. messages returned to the queue). */
  readonly dropped?: number;
}

/** Something that stops taking new work and finishes in-flight work (an HTTP server, a consumer). */
export interface Drainer {
  /** Name shown in logs and in the list of pending work when the budget runs out. */
  readonly name: string;
  /**
   * Stops intake and resolves when in-flight work is done (or the deadline passes). A
   * {@link DrainResult}-shaped value is logged and checked; anything else is ignored.
   */
  readonly drain: (ctx: DrainContext) => unknown;
}

/** A shutdown hook: closes a resource (database pool, telemetry exporter) after the drain. */
export interface ShutdownHook {
  /** Name shown in logs. */
  readonly name: string;
  /** Closes the resource. The signal aborts at the hook's timeout. */
  readonly run: (signal: AbortSignal) => Promise<void> | void;
  /**
   * Time the hook may take; it is cut (logged, shutdown continues) after that. Capped by what is
   * left of the hooks budget.
   * @default the whole hooks budget (`plan.hooksTimeoutMs`)
   */
  readonly timeoutMs?: number;
}

/** The lifecycle's state. */
export type LifecycleState = 'idle' | 'running' | 'stopping' | 'stopped';

/** The part of `process` the lifecycle listens on (injectable: tests pass an EventEmitter). */
export interface LifecycleProcess {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}
