import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { getRequestContext } from '@podkit/core';
import type { RequestContext } from '@podkit/core';
import type { Pool } from 'undici';
import { fullJitterDelay, parseRetryAfter } from './backoff.ts';
import { dispatchAttempt } from './attempt-handler.ts';
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

  /** Runs one call and hands a successful response to `consume` before the deadline ends. */
  async execute<T>(request: RequestOptions, consume: Consume<T>): Promise<T> {
    const { options, bulkhead, metrics } = this.#p;
    const method = (request.method ?? 'GET').toUpperCase();
    const started = performance.now();
    let status = 'error';
    let scope: CallScope | undefined;
    try {
      if (request.signal?.aborted === true) throw new RequestAbortedError({ cause: request.signal.reason });
      if (this.#closed) throw new ConnectionError(this.#p.options.targets[0]?.origin ?? '', 'CLIENT_CLOSED');
      let deadlineMs = request.timeoutMs ?? options.timeouts.deadlineMs;
      // One context lookup per call: its deadline bounds ours, its request id goes out.
      const requestCtx = getRequestContext();
      const ctxDeadline = requestCtx?.deadline;
      if (ctxDeadline !== undefined) deadlineMs = Math.min(deadlineMs, ctxDeadline - Date.now());
      if (deadlineMs <= 0) throw new ClientTimeoutError('deadline', 0);
      scope = new CallScope(options.clock, deadlineMs, request.signal);
      if (bulkhead !== undefined && !bulkhead.tryAcquire()) {
        const wait = bulkhead.enqueue(scope.signal);
        if (wait === null) {
          metrics?.bulkheadRejected();
          const bh = options.bulkhead as { maxConcurrent: number; maxQueue: number };
          throw new BulkheadRejectedError(options.name, bh.maxConcurrent, bh.maxQueue);
        }
        scope.armDeadline();
        await wait.catch((err: unknown) => {
          throw (scope as CallScope).endReason() ?? err;
        });
      }
      // A span per call (not core's withSpan: nothing runs inside the span's context, so the
      // client span is only injected into the outgoing headers, which saves a context switch).
      const span = this.#tracer.startSpan(method, SPAN_OPTIONS);
      if (span.isRecording()) span.setAttributes({ 'http.request.method': method, 'podkit.client': options.name });
      try {
        const result = await this.#run(request, method, span, consume, scope, requestCtx);
        status = result.status;
        return result.value;
      } catch (err) {
        if (span.isRecording()) {
          span.recordException(err instanceof Error ? err : String(err));
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
        }
        throw err;
      } finally {
        span.end();
        bulkhead?.release();
      }
    } catch (err) {
      status = errorLabel(err);
      throw err;
    } finally {
      scope?.dispose();
      metrics?.call(method, status, (performance.now() - started) / 1000);
    }
  }

  async #run<T>(
    request: RequestOptions,
    method: string,
    span: Span,
    consume: Consume<T>,
    scope: CallScope,
    requestCtx: RequestContext | undefined,
  ): Promise<{ value: T; status: string }> {
    const { options, budget } = this.#p;
    const recording = span.isRecording();
    const ctx = recording ? trace.setSpan(context.active(), span) : context.active();
    const headers = outgoingHeaders(ctx, options.headers, request.headers, request.json !== undefined ? 'application/json' : undefined, requestCtx);
    const body = request.json !== undefined ? JSON.stringify(request.json) : request.body;
    const streaming = body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array);
    const retrySafe = !streaming && isRetryableRequest(method, headers);
    budget?.recordCall();
    let avoid: UpstreamTarget | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        const endedBefore = scope.endReason();
        if (endedBefore !== undefined) throw endedBefore;
        const picked = this.#pick(avoid);
        const { target, permit } = picked;
        const breaker = this.#p.breakers?.get(target.origin);
        if (recording) span.addEvent('attempt', { attempt, 'server.address': target.origin });
        let data: BufferedResponse;
        const signal = scope.startAttempt(options.timeouts.headersMs);
        try {
          data = await dispatchAttempt(
            this.#p.pools.get(target.origin) as Pool,
            { path: pathWithQuery(target.basePath, request.path, request.query), method, headers, body: body ?? null },
            signal,
            target.origin,
          );
        } catch (err) {
          const ended = scope.endReason();
          if (ended !== undefined) {
            if (permit !== undefined) breaker?.record(permit, ended instanceof RequestAbortedError ? 'ignore' : 'failure');
            throw ended;
          }
          scope.armDeadline();
          const failure = classifyTransportError(signal.reason ?? err);
          if (permit !== undefined) breaker?.record(permit, failure.transient ? 'failure' : 'ignore');
          if (!failure.transient) throw err;
          const error = failure.timeout
            ? new ClientTimeoutError(failure.timeout, failure.timeout === 'connect' ? options.timeouts.connectMs : failure.timeout === 'headers' ? options.timeouts.headersMs : options.timeouts.bodyMs, { cause: err })
            : new ConnectionError(target.origin, failure.reason, { cause: err });
          if (attempt >= options.retry.maxAttempts || streaming || !(failure.notSent || retrySafe)) throw error;
          await this.#backoff(scope, span, attempt, failure.reason, undefined, error);
          avoid = target;
          continue;
        }
        scope.armDeadline();
        const status = data.status;
        if (permit !== undefined) breaker?.record(permit, status >= 500 ? 'failure' : 'success');
        const passThrough = request.throwOnErrorStatus === false;
        if (status < 400) {
          if (recording) span.setAttribute('http.response.status_code', status);
          const consumed = consume(data);
          // request() consumes synchronously: skip the extra microtask of awaiting a plain value.
          return { value: consumed instanceof Promise ? await consumed : consumed, status: String(status) };
        }
        if (attempt < options.retry.maxAttempts && retrySafe && options.retry.retryStatuses.has(status)) {
          const retryAfter = parseRetryAfter(data.headers['retry-after'], Date.now());
          const delay = this.#delay(attempt, retryAfter);
          if (delay < scope.remaining() && (budget === undefined || this.#takeBudget())) {
            data.discard();
            await this.#backoff(scope, span, attempt, `status_${status}`, delay, undefined);
            avoid = target;
            continue;
          }
          if (passThrough) return { value: await consume(data), status: String(status) };
          const error = new HttpStatusError(status, await data.snippet(options.snippetBytes), target.origin, method, request.path);
          if (delay < scope.remaining()) throw new RetryBudgetExhaustedError(options.name, error);
          throw error;
        }
        if (recording) span.setAttribute('http.response.status_code', status);
        if (passThrough) return { value: await consume(data), status: String(status) };
        throw new HttpStatusError(status, await data.snippet(options.snippetBytes), target.origin, method, request.path);
      }
    } catch (err) {
      const ended = scope.endReason();
      if (ended !== undefined && !isPodkitHttpError(err)) throw ended;
      throw err;
    }
  }

  #pick(avoid: UpstreamTarget | undefined): Picked {
    const breakers = this.#p.breakers;
    if (breakers === undefined) {
      const target = this.#p.balancer.pick(avoid, () => true) as UpstreamTarget;
      return { target, permit: undefined };
    }
    let permit: BreakerPermit | undefined;
    const target = this.#p.balancer.pick(avoid, (t) => {
      permit = (breakers.get(t.origin) as OriginBreaker).tryAcquire();
      return permit !== undefined;
    });
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
