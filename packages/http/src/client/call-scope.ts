import type { Clock, TimerHandle } from './clock.ts';
import { ClientTimeoutError, RequestAbortedError } from './errors.ts';

/**
 * Reason an attempt's signal aborts with when its headers timeout passes (the call goes on).
 * @internal
 */
export class AttemptTimeout extends Error {
  /** undici-style code so the transport classifier treats it as a headers timeout. */
  readonly code = 'UND_ERR_HEADERS_TIMEOUT';
}

/**
 * The cancellation scope of one call. It owns one timer on the injected clock, armed either for the
 * current attempt's headers timeout or for the call's total deadline (whichever comes first), and
 * one `AbortController` per attempt (reused until one aborts). It ends the call when the caller
 * aborts ({@link RequestAbortedError}) or the deadline passes ({@link ClientTimeoutError} `deadline`).
 *
 * Per-attempt headers timeouts are kept here rather than in undici, whose parser timeouts have a
 * one-second resolution.
 * @internal
 */
export class CallScope {
  readonly #clock: Clock;
  readonly #deadlineMs: number;
  readonly #deadlineAt: number;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;
  #controller = new AbortController();
  #timer: TimerHandle;
  #ended: Error | undefined;

  constructor(clock: Clock, deadlineMs: number, caller: AbortSignal | undefined) {
    this.#clock = clock;
    this.#deadlineMs = deadlineMs;
    this.#deadlineAt = clock.now() + deadlineMs;
    this.#caller = caller;
    if (caller !== undefined) {
      this.#onCallerAbort = () => this.#end(new RequestAbortedError({ cause: caller.reason }));
      caller.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
  }

  /** The current attempt's signal: aborts on the caller's abort, the deadline, or the attempt timeout. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The error that ended the call (caller abort or deadline), if it has ended. */
  endReason(): Error | undefined {
    return this.#ended;
  }

  /** Milliseconds left before the deadline. */
  remaining(): number {
    return this.#deadlineAt - this.#clock.now();
  }

  /** Starts an attempt: arms the headers timeout (or the deadline, if nearer) and returns its signal. */
  startAttempt(headersMs: number): AbortSignal {
    this.#renew();
    const remaining = this.remaining();
    if (headersMs < remaining) this.#arm(headersMs, true);
    else this.#arm(remaining, false);
    return this.#controller.signal;
  }

  /** Headers arrived (or the attempt is over): only the deadline remains armed. */
  armDeadline(): void {
    this.#renew();
    this.#arm(this.remaining(), false);
  }

  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    if (this.#onCallerAbort !== undefined) this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  /** A controller aborted by an attempt timeout is replaced; one ended by the call is kept. */
  #renew(): void {
    if (this.#controller.signal.aborted && this.#ended === undefined) this.#controller = new AbortController();
  }

  #arm(ms: number, attempt: boolean): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    const controller = this.#controller;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = undefined;
        if (!attempt || this.remaining() <= 0) this.#end(new ClientTimeoutError('deadline', this.#deadlineMs));
        else controller.abort(new AttemptTimeout('headers timeout'));
      },
      Math.max(0, ms),
    );
  }

  #end(reason: Error): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#controller.abort(reason);
  }
}
