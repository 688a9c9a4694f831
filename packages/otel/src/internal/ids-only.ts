import { randomFillSync } from 'node:crypto';
import type * as OtelApi from '@opentelemetry/api';
import type { Context, Span, SpanContext, SpanOptions, Tracer, TracerProvider } from '@opentelemetry/api';

/** `TraceFlags.SAMPLED` / `TraceFlags.NONE` (W3C values, the same in every API copy). */
const SAMPLED = 1;
const NONE = 0;

/** Random bytes for ids, refilled from the CSPRNG when used up (allocated on first use, not on import). */
let pool: Buffer | undefined;
let offset = 0;
const POOL_BYTES = 4096;

/** `bytes` random bytes as hex: one slice of a pooled `randomFillSync` buffer (native hex encoding). */
function randomHex(bytes: number): string {
  if (pool === undefined || offset + bytes > POOL_BYTES) {
    pool ??= Buffer.allocUnsafe(POOL_BYTES);
    randomFillSync(pool);
    offset = 0;
  }
  const hex = pool.toString('hex', offset, offset + bytes);
  offset += bytes;
  return hex;
}

const ZERO_SPAN = '0000000000000000';

/** A span id: 16 hex digits, never all zero (invalid in W3C trace context). */
function spanId(): string {
  const id = randomHex(8);
  return id === ZERO_SPAN ? '0000000000000001' : id;
}

const ZERO_TRACE = ZERO_SPAN + ZERO_SPAN;

/** A root's ids (trace id, span id): one 48-digit hex slice cut in two, neither ever all zero. */
function rootIds(): { traceId: string; spanId: string; traceFlags: number } {
  const hex = randomHex(24);
  const traceId = hex.slice(0, 32);
  const spanId = hex.slice(32);
  return {
    traceId: traceId === ZERO_TRACE ? '00000000000000000000000000000001' : traceId,
    spanId: spanId === ZERO_SPAN ? '0000000000000001' : spanId,
    traceFlags: NONE,
  };
}

/**
 * A tracer that builds no SDK span: every span is OpenTelemetry's non-recording span around a
 * context with fresh ids (`trace.wrapSpanContext`). A span with a valid parent keeps the parent's
 * trace id, trace state and sampled flag (so a sampled caller's decision reaches the next
 * service); a root gets a new trace id and is not sampled. That is what the SDK itself produces
 * for a span its sampler drops, without a sampler call, a resource or a span processor: the
 * ids reach the logs and `traceparent` at a fraction of the cost of a recorded span.
 */
class IdsOnlyTracer implements Tracer {
  readonly #api: typeof OtelApi;

  constructor(api: typeof OtelApi) {
    this.#api = api;
  }

  startSpan(_name: string, options?: SpanOptions, ctx?: Context): Span {
    const { trace } = this.#api;
    const parent = options?.root === true ? undefined : trace.getSpanContext(ctx ?? this.#api.context.active());
    const spanContext: SpanContext =
      parent !== undefined && trace.isSpanContextValid(parent)
        ? {
            traceId: parent.traceId,
            spanId: spanId(),
            traceFlags: parent.traceFlags & SAMPLED,
            ...(parent.traceState === undefined ? {} : { traceState: parent.traceState }),
          }
        : rootIds();
    return trace.wrapSpanContext(spanContext);
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, ctx: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    const fn = (typeof a === 'function' ? a : typeof b === 'function' ? b : c) as F;
    const options = typeof a === 'function' ? undefined : a;
    const { context, trace } = this.#api;
    const parent = typeof b === 'object' ? b : context.active();
    const span = this.startSpan(name, options, parent);
    return context.with(trace.setSpan(parent, span), fn as (s: Span) => ReturnType<F>, undefined, span);
  }
}

/**
 * The tracer provider `startTelemetry` registers when nothing is exported: trace ids without
 * spans (see {@link IdsOnlyTracer}), through `api` (the copy it is registered with). One tracer
 * serves every name and version.
 * @internal
 */
export class IdsOnlyTracerProvider implements TracerProvider {
  readonly #tracer: IdsOnlyTracer;

  constructor(api: typeof OtelApi) {
    this.#tracer = new IdsOnlyTracer(api);
  }

  getTracer(): Tracer {
    return this.#tracer;
  }
}
