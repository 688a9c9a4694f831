import type { IncomingMessage, ServerResponse } from 'node:http';
import { INVALID_TRACEID, ROOT_CONTEXT, SpanKind, SpanStatusCode, propagation, trace } from '@opentelemetry/api';
import type { SpanOptions, Tracer } from '@opentelemetry/api';
import { runWithRequestAndTraceContext, runWithRequestContext } from '@podkit/core';
import type { Logger, RequestContext } from '@podkit/core';
import { AccessLog, pathOf } from './access-log.ts';
import type { HttpServerMetrics } from './http-metrics.ts';
import { UNMATCHED_ROUTE } from './http-metrics.ts';
import { problem, sendProblem } from './problem.ts';
import { resolveRequestId } from './request-id.ts';
import type { PodkitServerResponse } from './response.ts';
import { readRouteTemplate } from './route-template.ts';
import { DEFAULT_MAX_DEADLINE_MS } from './options.ts';
import { readCallerBudget, rejectBadBudget, rejectExpired } from './inbound-deadline.ts';

/** Options of every server span (hoisted: no per-request allocation). */
const SERVER_SPAN: SpanOptions = { kind: SpanKind.SERVER };

/** A Node request listener. */
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Options of {@link RequestInstrumentation}. */
export interface RequestInstrumentationOptions {
  /** Logger for access lines and handler crashes. */
  logger: Logger;
  /** Metrics recorder, or `undefined` to record none. */
  metrics: HttpServerMetrics | undefined;
  /** Write one access-log line per request. */
  accessLog: boolean;
  /** Tracer for server spans, or `undefined` to disable tracing. */
  tracer: Tracer | undefined;
  /** Header read and echoed as the request id (lowercase). */
  requestIdHeader: string;
  /** Cap of a request's time budget in ms (see `ServeOptions.maxDeadlineMs`). @default 30000 */
  maxDeadlineMs?: number;
}

/**
 * Per-request instrumentation: request id (read or generated, echoed, in the request context so
 * every log line carries it), W3C trace context extraction and a server span, metrics and the
 * access-log line. {@link RequestInstrumentation.start} runs the handler; {@link
 * RequestInstrumentation.finish} is called once when the response closes.
 * @internal
 */
export class RequestInstrumentation {
  readonly #o: RequestInstrumentationOptions;
  readonly #accessLog: AccessLog | undefined;
  readonly #maxDeadlineMs: number;

  constructor(options: RequestInstrumentationOptions) {
    this.#o = options;
    this.#maxDeadlineMs = options.maxDeadlineMs ?? DEFAULT_MAX_DEADLINE_MS;
    // Access lines carry only podkit's fixed, non-sensitive fields, so they skip key-path
    // redaction (dozens of wildcard paths cost far more than the line itself); value
    // redaction hooks still apply.
    this.#accessLog = options.accessLog ? new AccessLog(options.logger.child({}, { redact: { paths: [] } })) : undefined;
  }

  /** Starts instrumenting `res` and runs `listener` inside the request (and trace) context. */
  start(req: IncomingMessage, res: PodkitServerResponse, listener: Listener): void {
    res.podkitStart = performance.now();
    const o = this.#o;
    if (o.metrics !== undefined) o.metrics.inFlight++;
    const requestId = resolveRequestId(req.headers[o.requestIdHeader]);
    res.podkitRequestId = requestId;
    // echoed when the head is written (see PodkitServerResponse), not with setHeader now
    res.podkitEchoHeader = o.requestIdHeader;
    // The caller's budget (deadline header), capped by the server's maximum, is the deadline.
    const budget = readCallerBudget(req.headers);
    const now = Date.now();
    res.podkitArrivedAt = now;
    res.podkitCallerBudgetMs = budget;
    const max = this.#maxDeadlineMs;
    const requestContext: RequestContext = { requestId, deadline: now + (budget === undefined || budget > max ? max : budget) };
    if (budget !== undefined && !(budget > 0)) listener = budget === 0 ? rejectExpired : rejectBadBudget;
    if (o.tracer !== undefined) {
      const parent = propagation.extract(ROOT_CONTEXT, req.headers);
      const span = o.tracer.startSpan(req.method ?? 'GET', SERVER_SPAN, parent);
      const recording = span.isRecording();
      if (recording) {
        span.setAttribute('http.request.method', req.method ?? 'GET');
        span.setAttribute('url.path', pathOf(req.url));
      }
      // A span an SDK sampled out still has a valid trace id: keep it active so log lines carry
      // it. Only the no-op tracer (no SDK) returns an invalid context (all-zero ids), and then we
      // skip the switch. (A comparison, not `isSpanContextValid`'s two regular expressions: every
      // tracer but the no-op one hands out valid ids.)
      if (recording || parent !== ROOT_CONTEXT || span.spanContext().traceId !== INVALID_TRACEID) {
        res.podkitSpan = span;
        res.podkitSpanRecording = recording;
        runWithRequestAndTraceContext(requestContext, trace.setSpan(parent, span), invoke, listener, req, res, o.logger);
        return;
      }
    }
    runWithRequestContext(requestContext, () => invoke(listener, req, res, o.logger));
  }

  /** Records metrics, ends the span and writes the access line for a closed response. */
  finish(req: IncomingMessage, res: PodkitServerResponse): void {
    const o = this.#o;
    const seconds = (performance.now() - res.podkitStart) / 1000;
    const aborted = !res.writableFinished;
    const status = aborted ? 499 : res.statusCode;
    const route = readRouteTemplate(req, res);
    const method = req.method ?? 'GET';
    if (o.metrics !== undefined) {
      o.metrics.inFlight--;
      o.metrics.record(method, route, status, seconds);
    }
    const span = res.podkitSpan;
    if (span !== undefined) {
      // a non-recording span (ids only, or sampled out) ignores names and attributes: build none
      if (res.podkitSpanRecording) {
        if (route !== undefined) {
          span.updateName(`${method} ${route}`);
          span.setAttribute('http.route', route);
        }
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    }
    const accessLog = this.#accessLog;
    if (accessLog !== undefined) {
      const ids = span?.spanContext();
      const length = res.getHeader('content-length');
      accessLog.write({
        method,
        route: route ?? UNMATCHED_ROUTE,
        path: pathOf(req.url),
        status,
        durationMs: Math.round(seconds * 1e6) / 1000,
        bytes: length === undefined ? undefined : Number(length),
        request_id: res.podkitRequestId,
        trace_id: ids?.traceId,
        span_id: ids?.spanId,
        aborted,
      });
    }
  }
}

/** Runs the listener; a synchronous throw is logged and answered with a 500 problem. */
function invoke(listener: Listener, req: IncomingMessage, res: ServerResponse, logger: Logger): void {
  try {
    listener(req, res);
  } catch (err) {
    logger.error({ err }, 'request listener threw');
    sendProblem(res, problem(500, 'the server failed to handle the request'));
  }
}

