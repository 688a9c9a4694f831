import type { Clock, TimerHandle } from './clock.ts';
import { ClientTimeoutError, RequestAbortedError } from './errors.ts';

/**
 * The cancellation scope of one call: one `AbortSignal` that fires when the caller aborts
 * (reason: {@link RequestAbortedError}) or the total deadline passes (reason:
 * {@link ClientTimeoutError} of kind `deadline`). Every attempt, backoff and queue wait uses it.
 * @internal
 */
export class CallScope {
  readonly #controller = new AbortController();
  readonly #clock: Clock;
  readonly #deadlineAt: number;
  readonly #timer: TimerHandle;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;

  constructor(clock: Clock, deadlineMs: number, caller: AbortSignal | undefined) {
    this.#clock = clock;
    this.#deadlineAt = clock.now() + deadlineMs;
    const controller = this.#controller;
    this.#timer = clock.setTimeout(() => controller.abort(new ClientTimeoutError('deadline', deadlineMs)), deadlineMs);
    this.#caller = caller;
    if (caller !== undefined) {
      this.#onCallerAbort = () => controller.abort(new RequestAbortedError({ cause: caller.reason }));
      caller.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
  }

  /** Aborts when the caller aborts or the deadline passes. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Milliseconds left before the deadline. */
  remaining(): number {
    return this.#deadlineAt - this.#clock.now();
  }

  /** The typed error of an aborted scope (the abort reason). */
  abortError(): Error {
    return this.#controller.signal.reason as Error;
  }

  /** Whether the caller (not the deadline) aborted. */
  get callerAborted(): boolean {
    return this.#controller.signal.reason instanceof RequestAbortedError;
  }

  /** Stops the deadline timer and detaches from the caller's signal. */
  dispose(): void {
    this.#clock.clearTimeout(this.#timer);
    if (this.#onCallerAbort !== undefined) this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }
}
