import { CallSignal } from './call-signal.ts';
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
 * The cancellation scope of one call. It owns one timer on the injected clock and one
 * {@link CallSignal} per attempt (replaced only after an attempt timeout). It ends the call when
 * the caller aborts ({@link RequestAbortedError}) or the deadline passes ({@link ClientTimeoutError}
 * `deadline`), and aborts an attempt whose response headers do not arrive within `headersMs`.
 *
 * Per-attempt headers timeouts are kept here rather than in undici, whose parser timers have a
 * one-second resolution. On the common path a call sets one timer and clears it once: when headers
 * arrive the pending attempt timer is left in place and, if it fires, re-armed for the deadline.
 * @internal
 */
export class CallScope {
  readonly #clock: Clock;
  readonly #deadlineMs: number;
  readonly #deadlineAt: number;
  readonly #caller: AbortSignal | undefined;
  readonly #onCallerAbort: (() => void) | undefined;
  #signal = new CallSignal();
  #timer: TimerHandle = undefined;
  #attemptPhase = false;
  #ended: Error | undefined = undefined;

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
  get signal(): CallSignal {
    return this.#signal;
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
  startAttempt(headersMs: number): CallSignal {
    this.#renew();
    const remaining = this.remaining();
    this.#attemptPhase = headersMs < remaining;
    this.#arm(this.#attemptPhase ? headersMs : remaining);
    return this.#signal;
  }

  /** Headers arrived (or the attempt is over): only the deadline matters from now on. */
  armDeadline(): void {
    this.#renew();
    this.#attemptPhase = false;
    if (this.#timer === undefined) this.#arm(this.remaining());
  }

  /** Stops the timer and detaches from the caller's signal. */
  dispose(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#onCallerAbort !== undefined) this.#caller?.removeEventListener('abort', this.#onCallerAbort);
  }

  /** A signal aborted by an attempt timeout is replaced; one ended by the call is kept. */
  #renew(): void {
    if (this.#signal.isAborted && this.#ended === undefined) this.#signal = new CallSignal();
  }

  #arm(ms: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(this.#onTimer, Math.max(0, ms));
  }

  readonly #onTimer = (): void => {
    this.#timer = undefined;
    const remaining = this.remaining();
    if (remaining <= 0) this.#end(new ClientTimeoutError('deadline', this.#deadlineMs));
    else if (this.#attemptPhase) this.#signal.abort(new AttemptTimeout('headers timeout'));
    else this.#arm(remaining);
  };

  #end(reason: Error): void {
    if (this.#ended !== undefined) return;
    this.#ended = reason;
    this.#signal.abort(reason);
  }
}
