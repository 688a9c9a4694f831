import type { Dispatcher } from 'undici';
import type { CallSignal } from './call-signal.ts';
import { BufferedResponse } from './response.ts';
import type { ResponseHeaders } from './response.ts';

type Controller = Dispatcher.DispatchController;

/** A request body undici streams (destroyed when the attempt fails, as undici's `request()` does). */
interface DestroyableBody {
  destroy(error?: Error): unknown;
  readonly destroyed?: boolean;
}

function isStream(body: unknown): body is DestroyableBody {
  return typeof body === 'object' && body !== null && typeof (body as { pipe?: unknown }).pipe === 'function';
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
 * @internal
 */
export class AttemptHandler implements Dispatcher.DispatchHandler {
  readonly #signal: CallSignal;
  readonly #origin: string;
  readonly #body: unknown;
  readonly #resolve: (response: BufferedResponse) => void;
  readonly #reject: (error: Error) => void;
  #controller: Controller | undefined = undefined;
  #response: BufferedResponse | undefined = undefined;
  /** Failed before the request started (the queued request is aborted when it starts). */
  #failedEarly = false;
  #done = false;

  constructor(signal: CallSignal, origin: string, body: unknown, resolve: (response: BufferedResponse) => void, reject: (error: Error) => void) {
    this.#signal = signal;
    this.#origin = origin;
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
    if (isStream(body) && body.destroyed !== true) body.destroy(error);
    if (this.#response !== undefined) this.#response.onError(error);
    else this.#reject(error);
  }
}

/**
 * Dispatches one attempt on `dispatcher` and resolves with its response at the response head.
 * `signal` aborts it (see {@link AttemptHandler}).
 * @internal
 */
export function dispatchAttempt(dispatcher: Dispatcher, options: Dispatcher.DispatchOptions, signal: CallSignal, origin: string): Promise<BufferedResponse> {
  return new Promise<BufferedResponse>((resolve, reject) => {
    dispatcher.dispatch(options, new AttemptHandler(signal, origin, options.body, resolve, reject));
  });
}
