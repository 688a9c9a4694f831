import {
  SpanStatusCode,
  isSpanContextValid,
  trace,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { errorText } from './error-text.ts';

/** Name under which podkit asks the global tracer provider for a tracer. */
const TRACER_NAME = '@podkit/core';

/**
 * Options of {@link withSpan}: OpenTelemetry's `SpanOptions` (`kind`, `attributes`, `links`,
 * `startTime`, `root`) plus an optional tracer.
 */
export type WithSpanOptions = SpanOptions & {
  /**
   * Tracer that creates the span.
   * @default trace.getTracer('@podkit/core') (the global provider; a no-op without an SDK)
   */
  readonly tracer?: Tracer;
};

/** The ids of the active span, as written to log lines (`trace_id`, `span_id`). */
export interface TraceIds {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters. */
  readonly spanId: string;
}

/**
 * Runs `fn` inside a new active span named `name` and ends the span when `fn` settles. A
 * thrown error or rejection is recorded on the span (status `ERROR`) and rethrown. Without
 * an OpenTelemetry SDK registered the span is a no-op and `fn` simply runs.
 *
 * @example
 * ```ts
 * const user = await withSpan('db.loadUser', async (span) => {
 *   span.setAttribute('user.id', id);
 *   return db.loadUser(id);
 * });
 * ```
 */
export function withSpan<T>(
  name: string,
  fn: (span: Span) => T | Promise<T>,
  options: WithSpanOptions = {},
): Promise<T> {
  const { tracer = trace.getTracer(TRACER_NAME), ...spanOptions } = options;
  return tracer.startActiveSpan(name, spanOptions, async (span: Span): Promise<T> => {
    try {
      return await fn(span);
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err));
      span.setStatus({ code: SpanStatusCode.ERROR, message: errorText(err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

/**
 * Trace and span id of the active span, or `undefined` when there is none (or only an
 * invalid, no-op one because no SDK is registered).
 *
 * @example
 * ```ts
 * const ids = getTraceIds();
 * if (ids) res.setHeader('traceparent', `00-${ids.traceId}-${ids.spanId}-01`);
 * ```
 */
export function getTraceIds(): TraceIds | undefined {
  const span = trace.getActiveSpan();
  if (span === undefined) return undefined;
  const ctx = span.spanContext();
  return isSpanContextValid(ctx) ? { traceId: ctx.traceId, spanId: ctx.spanId } : undefined;
}
