import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { getRequestContext } from '@podkit/core';
import type { Pool } from 'undici';
import { fullJitterDelay, parseRetryAfter } from './backoff.ts';
import { destroyBody, dispatchAttempt } from './attempt-handler.ts';
import type { BreakerPermit, OriginBreaker } from './breaker.ts';
import type { Bulkhead } from './bulkhead.ts';
import { CallScope } from './call-scope.ts';
import { classifyTransportError, isRetryableRequest } from './retry-policy.ts';
import {
  BreakerOpenError,
  BulkheadRejectedError,
  ClientTimeoutError,
  ConnectionError,
  HttpStatusError,
  InvalidRequestError,
  RequestAbortedError,
  RetryBudgetExhaustedError,
} from './errors.ts';
import { isPodkitHttpError } from '../errors.ts';
import type { ClientMetrics } from './metrics.ts';
import type { RoundRobin, UpstreamTarget } from './origins.ts';
import { outgoingHeaders } from './outgoing-headers.ts';
import { pathWithQuery } from './request-options.ts';
import type { RequestOptions } from './request-options.ts';
import type { ResolvedClientOptions } from './resolve-options.ts';
import type { BufferedResponse, ClientResponse } from './response.ts';
import type { RetryBudget } from './retry-budget.ts';
import { sleep } from './sleep.ts';
import { errorLabel } from './error-label.ts';
import { toClientError } from './transport-error.ts';
import { DEADLINE_HEADER, NO_RETRY_HEADER } from '../deadline/headers.ts';
import { markUpstreamFailure } from '../deadline/upstream-failure.ts';
import type { OutlierEjector } from './ejection.ts';
import { checkRelativePath } from './relative-path.ts';

/** `String(status)` for the metrics label, without a new string per call. */
const STATUS_LABELS: string[] = [];
function statusLabel(code: number): string {
  return (STATUS_LABELS[code] ??= String(code));
}

/**
 * Whether a call failed because its upstream did (after this client's retries): the server
 * answering the request then marks its 5xx so its own callers do not retry again.
 */
function isUpstreamFailure(error: unknown): boolean {
  return (
    error instanceof BreakerOpenError ||
    error instanceof RetryBudgetExhaustedError ||
    error instanceof ClientTimeoutError ||
    (error instanceof ConnectionError && error.causeCode !== 'CLIENT_CLOSED') ||
    (error instanceof HttpStatusError && error.status >= 500)
  );
}

/** Options of every client span (attributes are set only on recording spans). */
const SPAN_OPTIONS: SpanOptions = Object.freeze({ kind: SpanKind.CLIENT });

/** The parts a call runs through; built once by `createClient`. @internal */
export interface EngineParts {
  readonly options: ResolvedClientOptions;
  readonly pools: ReadonlyMap<string, Pool>;
  readonly breakers: ReadonlyMap<string, OriginBreaker> | undefined;
  readonly balancer: RoundRobin<UpstreamTarget>;
  readonly budget: RetryBudget | undefined;
  readonly bulkhead: Bulkhead | undefined;
  readonly metrics: ClientMetrics | undefined;
  /** Outlier ejection; only with several origins. */
  readonly ejector: OutlierEjector | undefined;
}

/** What to do with a successful response inside the call (its deadline and span). @internal */
export type Consume<T> = (response: ClientResponse) => Promise<T> | T;

interface Picked {
  readonly target: UpstreamTarget;
  readonly permit: BreakerPermit | undefined;
}

/**
 * Runs calls: bulkhead → span + context headers → for each attempt: replica choice and breaker
 * permit → undici pool request with per-attempt timeouts → classification → retry (budget,
 * backoff or `Retry-After`) or result. Each concern lives in its own module; this is the order.
 * @internal
 */
export class CallEngine {
  readonly #p: EngineParts;
  readonly #tracer: Tracer = trace.getTracer('@podkit/http');

  constructor(parts: EngineParts) {
    this.#p = parts;
  }

  #closed = false;

  /** Rejects every later call. */
  close(): void {
    this.#closed = true;
  }

  /**
   * Runs one call and hands a successful response to `consume` before the deadline ends.
   *
   * One async frame from the bulkhead to the result: on the hot path every extra async function
   * costs a promise and a context switch per call (measured: about 1 % of a local call each).
   */
  async execute<T>(request: RequestOptions, consume: Consume<T>): Promise<T> {
    const { options, bulkhead, metrics, budget } = this.#p;
    const method = (request.method ?? 'GET').toUpperCase();
    const started = performance.now();
    let status = 'error';
    let scope: CallScope | undefined;
    let span: Span | undefined;
    let holdsSlot = false;
    // One context lookup per call: its deadline bounds ours, its request id goes out, and a
    // failure of this call marks it (the server's answer then tells its callers not to retry).
    const requestCtx = getRequestContext();
    try {
      if (request.signal?.aborted === true) throw new RequestAbortedError({ cause: request.signal.reason });
      if (this.#closed) throw new ConnectionError(options.targets[0]?.origin ?? '', 'CLIENT_CLOSED');
      if (request.path.charCodeAt(0) !== 47) checkRelativePath(options.name, options.targets, request.path);
      let deadlineMs = request.timeoutMs ?? options.timeouts.deadlineMs;
      const ctxDeadline = requestCtx?.deadline;
      if (ctxDeadline !== undefined) deadlineMs = Math.min(deadlineMs, ctxDeadline - Date.now());
      if (deadlineMs <= 0) throw new ClientTimeoutError('deadline', 0);
      const callScope = new CallScope(options.clock, deadlineMs, request.signal);
      scope = callScope;

      // 1. bulkhead
      if (bulkhead !== undefined) {
        if (!bulkhead.tryAcquire()) {
          const wait = bulkhead.enqueue(callScope.signal);
          if (wait === null) {
            metrics?.bulkheadRejected();
            const bh = options.bulkhead as { maxConcurrent: number; maxQueue: number };
            throw new BulkheadRejectedError(options.name, bh.maxConcurrent, bh.maxQueue);
          }
          callScope.armDeadline();
          await wait.catch((err: unknown) => {
            throw callScope.endReason() ?? err;
          });
        }
        holdsSlot = true;
      }

      // 2. span + outgoing headers. A span per call (not core's withSpan: nothing runs inside the
      // span's context, so the client span is only injected into the outgoing headers, which saves
      // a context switch).
      span = this.#tracer.startSpan(method, SPAN_OPTIONS);
      const recording = span.isRecording();
      if (recording) span.setAttributes({ 'http.request.method': method, 'podkit.client': options.name });
      const ctx = recording ? trace.setSpan(context.active(), span) : context.active();
      const headers = outgoingHeaders(ctx, options.headers, request.headers, request.json !== undefined ? 'application/json' : undefined, requestCtx);
      const body = request.json !== undefined ? JSON.stringify(request.json) : request.body;
      const streaming = body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
      const retrySafe = !streaming && isRetryableRequest(method, headers);
      budget?.recordCall();
      const passThrough = request.throwOnErrorStatus === false;
      let avoid: UpstreamTarget | undefined;

      // 3. attempts
      for (let attempt = 1; ; attempt++) {
        const endedBefore = callScope.endReason();
        if (endedBefore !== undefined) throw endedBefore;
        const { target, permit } = this.#pick(avoid);
        const breaker = this.#p.breakers?.get(target.origin);
        if (recording) span.addEvent('attempt', { attempt, 'server.address': target.origin });
        let data: BufferedResponse;
        const signal = callScope.startAttempt(options.timeouts.headersMs);
        // What is left of the deadline goes with the attempt, less the margin (at least 1 ms).
        const left = Math.floor(callScope.remaining()) - options.timeouts.deadlineMarginMs;
        headers[DEADLINE_HEADER] = left > 1 ? String(left) : '1';
        try {
          data = await dispatchAttempt(
            this.#p.pools.get(target.origin) as Pool,
            { path: pathWithQuery(target.basePath, request.path, request.query), method, headers, body: body ?? null },
            signal,
            target.origin,
            options.timeouts,
          );
        } catch (err) {
          const ended = callScope.endReason();
          if (ended !== undefined) {
            if (permit !== undefined) breaker?.record(permit, ended instanceof RequestAbortedError ? 'ignore' : 'failure');
            throw ended;
          }
          callScope.armDeadline();
          const failure = classifyTransportError(signal.reason ?? err);
          if (permit !== undefined) breaker?.record(permit, failure.transient ? 'failure' : 'ignore');
          const error = toClientError(signal.reason ?? err, target.origin, options.timeouts);
          if (!failure.transient || attempt >= options.retry.maxAttempts || streaming || !(failure.notSent || retrySafe)) throw error;
          avoid = target;
          // Refused before any byte was sent, with other replicas: eject this one and go to another
          // at once; no backoff and no budget (the dead replica gets no load from it).
          if (failure.notSent && this.#p.ejector?.eject(target.origin) === true) {
            metrics?.retry('failover');
            if (recording) span.addEvent('retry', { attempt, reason: 'failover' });
            continue;
          }
          await this.#backoff(callScope, span, attempt, failure.reason, undefined, error);
          continue;
        }
        callScope.armDeadline();
        const code = data.status;
        // A marked answer comes from a healthy replica whose own upstream failed: it neither
        // counts against this origin's breaker nor is retried (retries happen at one layer).
        const noRetry = code >= 500 && data.headers[NO_RETRY_HEADER] !== undefined;
        if (permit !== undefined) breaker?.record(permit, noRetry ? 'ignore' : code >= 500 ? 'failure' : 'success');
        if (this.#p.ejector?.active === true) this.#p.ejector.restore(target.origin);

        // 4. result, retry, or status error
        if (code < 400) {
          if (recording) span.setAttribute('http.response.status_code', code);
          const consumed = consume(data);
          // request() consumes synchronously: skip the extra microtask of awaiting a plain value.
          const value = consumed instanceof Promise ? await consumed : consumed;
          status = statusLabel(code);
          return value;
        }
        if (attempt < options.retry.maxAttempts && retrySafe && !noRetry && options.retry.retryStatuses.has(code)) {
          const retryAfter = parseRetryAfter(data.headers['retry-after'], Date.now());
          const delay = this.#delay(attempt, retryAfter);
          if (delay < callScope.remaining() && (budget === undefined || this.#takeBudget())) {
            data.discard();
            await this.#backoff(callScope, span, attempt, `status_${code}`, delay, undefined);
            avoid = target;
            continue;
          }
          if (passThrough) {
            const value = await consume(data);
            status = statusLabel(code);
            return value;
          }
          const error = new HttpStatusError(code, await data.snippet(options.snippetBytes), target.origin, method, request.path);
          if (delay < callScope.remaining()) throw new RetryBudgetExhaustedError(options.name, error);
          throw error;
        }
        if (recording) span.setAttribute('http.response.status_code', code);
        if (passThrough) {
          const value = await consume(data);
          status = statusLabel(code);
          return value;
        }
        throw new HttpStatusError(code, await data.snippet(options.snippetBytes), target.origin, method, request.path);
      }
    } catch (err) {
      // The call ended (caller abort, deadline) while something else failed: the end is the reason.
      // Attempt and body failures are typed where they happen; what is left untyped here came
      // from the request as given (a query value encodeURIComponent rejects, a json value
      // JSON.stringify rejects).
      const ended = span === undefined ? undefined : scope?.endReason();
      const error = isPodkitHttpError(err) ? err : (ended ?? new InvalidRequestError(err instanceof Error ? err.message : String(err), { cause: err }));
      // A stream body that was not sent to its end is destroyed, as undici does for an attempt.
      destroyBody(request.body, error);
      if (span?.isRecording() === true) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      }
      status = errorLabel(error);
      if (requestCtx !== undefined && isUpstreamFailure(error)) markUpstreamFailure(requestCtx, error instanceof ClientTimeoutError ? 'deadline' : 'upstream');
      throw error;
    } finally {
      span?.end();
      if (holdsSlot) bulkhead?.release();
      scope?.dispose();
      metrics?.call(method, status, (performance.now() - started) / 1000);
    }
  }

  #pick(avoid: UpstreamTarget | undefined): Picked {
    const breakers = this.#p.breakers;
    const ejector = this.#p.ejector;
    const ejecting = ejector?.active === true;
    if (breakers === undefined) {
      let target = ejecting ? this.#p.balancer.pick(avoid, (t) => !ejector.isEjected(t.origin)) : undefined;
      target ??= this.#p.balancer.pick(avoid, () => true) as UpstreamTarget;
      return { target, permit: undefined };
    }
    let permit: BreakerPermit | undefined;
    const admits = (t: UpstreamTarget): boolean => {
      permit = (breakers.get(t.origin) as OriginBreaker).tryAcquire();
      return permit !== undefined;
    };
    // Ejected origins are skipped while another admits the call; when none does, they are tried.
    const target = (ejecting ? this.#p.balancer.pick(avoid, (t) => !ejector.isEjected(t.origin) && admits(t)) : undefined) ?? this.#p.balancer.pick(avoid, admits);
    if (target === undefined) {
      const first = this.#p.options.targets[0] as UpstreamTarget;
      throw new BreakerOpenError(this.#p.options.name, avoid?.origin ?? first.origin);
    }
    return { target, permit };
  }

  #delay(attempt: number, retryAfterMs: number | undefined): number {
    const r = this.#p.options.retry;
    return retryAfterMs ?? fullJitterDelay(attempt, r.baseDelayMs, r.maxDelayMs, this.#p.options.random);
  }

  #takeBudget(): boolean {
    if ((this.#p.budget as RetryBudget).tryRetry()) return true;
    this.#p.metrics?.budgetRejected();
    return false;
  }

  async #backoff(scope: CallScope, span: Span, attempt: number, reason: string, delayMs: number | undefined, lastError: Error | undefined): Promise<void> {
    const { options, budget, metrics } = this.#p;
    if (delayMs === undefined) {
      delayMs = this.#delay(attempt, undefined);
      if (delayMs >= scope.remaining()) throw lastError as Error;
      if (budget !== undefined && !this.#takeBudget()) throw new RetryBudgetExhaustedError(options.name, lastError);
    }
    metrics?.retry(reason);
    if (span.isRecording()) span.addEvent('retry', { attempt, reason, 'delay_ms': delayMs });
    options.logger?.debug({ client: options.name, attempt, reason, delayMs }, 'http client retry');
    await sleep(options.clock, delayMs, scope.signal);
  }
}
