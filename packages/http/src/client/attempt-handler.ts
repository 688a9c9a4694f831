import type { Dispatcher } from 'undici';
import type { CallSignal } from './call-signal.ts';
import { InvalidRequestError } from './errors.ts';
import { BufferedResponse } from './response.ts';
import type { ResponseHeaders } from './response.ts';
import { toClientError } from './transport-error.ts';
import type { AttemptTimeouts } from './transport-error.ts';

type Controller = Dispatcher.DispatchController;

/** A request body undici streams (destroyed when the attempt fails, as undici's `request()` does). */
interface DestroyableBody {
  destroy(error?: Error): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  readonly destroyed?: boolean;
  /** The error the stream was destroyed with (Node streams). */
  readonly errored?: unknown;
}

/** Whether a request body is a stream (not a string or bytes). @internal */
export function isStream(body: unknown): body is DestroyableBody {
  return typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function';
}

const noop = (): void => {};

/**
 * Destroys a request body stream that was not sent to its end. The stream gets an `error` listener
 * first: undici listens to the body only while a connection writes it, so the error of a body
 * destroyed while queued, or after undici let go of it, would otherwise be an uncaught exception.
 * @internal
 */
export function destroyBody(body: unknown, error: Error): void {
  if (!isStream(body) || body.destroyed === true) return;
  body.on('error', noop);
  body.destroy(error);
}

/**
 * undici dispatch handler of one attempt. It replaces undici's `request()` API (an `AsyncResource`
 * `RequestHandler` plus a `Readable` per response) with a promise settled at the response head and
 * a {@link BufferedResponse}, and lets the attempt's {@link CallSignal} abort it through undici's
 * dispatch controller, without handing undici a `signal` (undici's signal support copies the
 * options, allocates closures and hooks into the queue on every request). Together that makes a
 * call cheaper than a bare `Pool.request` (see docs/http-client.md, Performance).
 *
 * - before the request starts (waiting for a connection), an abort fails the attempt at once with
 *   the signal's reason; the request stays in undici's queue until a connection takes it, and is
 *   then aborted before a byte is written, so the upstream never sees it;
 * - once started, an abort goes through the controller (headers or body phase): undici tears the
 *   request down and the attempt rejects, or its body fails, with the reason;
 * - after the response has ended or failed, an abort does nothing.
 *
 * A failure after the head reaches the body reader as the documented podkit class
 * ({@link toClientError}); a failed request body stream becomes an {@link InvalidRequestError}.
 * @internal
 */
export class AttemptHandler implements Dispatcher.DispatchHandler {
  readonly #signal: CallSignal;
  readonly #origin: string;
  readonly #timeouts: AttemptTimeouts;
  readonly #body: unknown;
  readonly #resolve: (response: BufferedResponse) => void;
  readonly #reject: (error: Error) => void;
  #controller: Controller | undefined = undefined;
  #response: BufferedResponse | undefined = undefined;
  /** Failed before the request started (the queued request is aborted when it starts). */
  #failedEarly = false;
  #done = false;

  constructor(
    signal: CallSignal,
    origin: string,
    timeouts: AttemptTimeouts,
    body: unknown,
    resolve: (response: BufferedResponse) => void,
    reject: (error: Error) => void,
  ) {
    this.#signal = signal;
    this.#origin = origin;
    this.#timeouts = timeouts;
    this.#body = body;
    this.#resolve = resolve;
    this.#reject = reject;
    signal.attach(this);
  }

  /** Called by the signal when it aborts. */
  abort(reason: Error): void {
    if (this.#done) return;
    if (this.#controller !== undefined) {
      this.#controller.abort(reason);
      return;
    }
    this.#failedEarly = true;
    this.#fail(reason);
  }

  onRequestStart(controller: Controller): void {
    if (this.#failedEarly) {
      controller.abort(this.#signal.reason ?? new Error('aborted'));
      return;
    }
    this.#controller = controller;
  }

  onResponseStart(controller: Controller, statusCode: number, headers: ResponseHeaders): void {
    if (this.#done || statusCode < 200) return;
    const response = new BufferedResponse(statusCode, headers, this.#origin, controller);
    this.#response = response;
    this.#resolve(response);
  }

  onResponseData(_controller: Controller, chunk: Buffer): void {
    this.#response?.onData(chunk);
  }

  onResponseEnd(): void {
    if (this.#done) return;
    this.#done = true;
    this.#signal.detach(this);
    this.#response?.onEnd();
  }

  onResponseError(_controller: Controller | null, error: Error): void {
    if (this.#done) return;
    this.#fail(error);
  }

  #fail(error: Error): void {
    this.#done = true;
    this.#signal.detach(this);
    const body = this.#body;
    // The request body stream failed (undici aborts the request with the stream's error).
    const failure = isStream(body) && body.errored === error ? new InvalidRequestError('the request body stream failed', { cause: error }) : error;
    destroyBody(body, failure);
    // Before the head the call engine classifies the failure (retry, breaker) and types it; a body
    // read gets the documented podkit class at once.
    if (this.#response !== undefined) this.#response.onError(toClientError(failure, this.#origin, this.#timeouts));
    else this.#reject(failure);
  }
}

/**
 * Dispatches one attempt on `dispatcher` and resolves with its response at the response head.
 * `signal` aborts it (see {@link AttemptHandler}).
 * @internal
 */
export function dispatchAttempt(
  dispatcher: Dispatcher,
  options: Dispatcher.DispatchOptions,
  signal: CallSignal,
  origin: string,
  timeouts: AttemptTimeouts,
): Promise<BufferedResponse> {
  return new Promise<BufferedResponse>((resolve, reject) => {
    dispatcher.dispatch(options, new AttemptHandler(signal, origin, timeouts, options.body, resolve, reject));
  });
}
