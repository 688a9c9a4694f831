import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { getRequestContext, getTraceIds, remainingTimeMs, runWithRequestContext, withSpan } from '../src/index.ts';

describe('without an OpenTelemetry SDK', () => {
  it('runs the function, returns its value and reports no trace ids', async () => {
    const value = await withSpan('noop', () => {
      expect(getTraceIds()).toBeUndefined();
      return 42;
    });
    expect(value).toBe(42);
  });
});

describe('with an SDK registered', () => {
  it('creates nested spans, ends them, records failures and rethrows', async () => {
    const exporter = new InMemorySpanExporter();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    trace.setGlobalTracerProvider(provider);
    try {
      let outer: { traceId: string; spanId: string } | undefined;
      let inner: { traceId: string; spanId: string } | undefined;
      await withSpan('outer', async () => {
        outer = getTraceIds();
        await withSpan('inner', async () => {
          await new Promise((resolve) => setImmediate(resolve));
          inner = getTraceIds();
        });
      });
      expect(inner!.traceId).toBe(outer!.traceId);
      expect(inner!.spanId).not.toBe(outer!.spanId);
      await expect(withSpan('fails', () => Promise.reject(new Error('nope')))).rejects.toThrow('nope');
      // an AggregateError (a connect to every address of a host) has an empty message
      const refused = new AggregateError([new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')], '');
      await expect(withSpan('aggregate', () => Promise.reject(refused))).rejects.toBe(refused);
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name)).toEqual(['inner', 'outer', 'fails', 'aggregate']);
      expect(spans[2]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'nope' });
      expect(spans[3]!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432' });
      expect(spans[2]!.events[0]!.name).toBe('exception');
      expect(getTraceIds()).toBeUndefined();
    } finally {
      trace.disable();
      context.disable();
    }
  });
});

describe('request context', () => {
  it('follows the async call chain and exposes the remaining time', async () => {
    expect(getRequestContext()).toBeUndefined();
    await runWithRequestContext({ requestId: 'r1', deadline: 10_000 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(getRequestContext()).toEqual({ requestId: 'r1', deadline: 10_000 });
      expect(remainingTimeMs(9_000)).toBe(1000);
      expect(remainingTimeMs(11_000)).toBe(0);
    });
    expect(getRequestContext()).toBeUndefined();
    expect(remainingTimeMs()).toBeUndefined();
  });
});
