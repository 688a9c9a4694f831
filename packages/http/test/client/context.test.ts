import { context, propagation, trace } from '@opentelemetry/api';
import type { TextMapPropagator } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { runWithRequestContext, withSpan } from '@podkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { json } from './helpers/upstream.ts';

useCleanup();

/** A W3C `traceparent` propagator (inject only), enough to see the ids arrive. */
const w3c: TextMapPropagator = {
  inject(ctx, carrier, setter) {
    const sc = trace.getSpanContext(ctx);
    if (sc === undefined) return;
    setter.set(carrier, 'traceparent', `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags.toString(16)}`);
  },
  extract: (ctx) => ctx,
  fields: () => ['traceparent'],
};

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(w3c);
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

describe('request context and tracing', () => {
  it('sends x-request-id and the trace context of the current request; records a client span with attempts and retries', async () => {
    const u = await upstream();
    u.keepRequests = true;
    u.handler = (_req, res, hit) => json(res, hit === 1 ? 503 : 200, {});
    const c = client({ name: 'up', baseUrl: u.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const traceId = await runWithRequestContext({ requestId: 'req-42' }, () =>
      withSpan('incoming', async (span) => {
        await (await c.get('/x')).dump();
        return span.spanContext().traceId;
      }),
    );
    expect(u.requests).toHaveLength(2);
    for (const req of u.requests) {
      expect(req.headers['x-request-id']).toBe('req-42');
      expect(req.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    }
    await provider.forceFlush();
    const clientSpan = exporter.getFinishedSpans().find((s) => s.name === 'GET');
    expect(clientSpan?.spanContext().traceId).toBe(traceId);
    expect(u.requests[0]?.headers.traceparent).toContain(clientSpan?.spanContext().spanId);
    expect(clientSpan?.events.map((e) => e.name)).toEqual(['attempt', 'retry', 'attempt']);
    expect(clientSpan?.attributes['http.response.status_code']).toBe(200);
  });

  it("keeps a caller's own x-request-id", async () => {
    const u = await upstream();
    u.keepRequests = true;
    const c = client({ name: 'up', baseUrl: u.url });
    await runWithRequestContext({ requestId: 'ctx' }, async () => (await c.get('/x', { headers: { 'X-Request-Id': 'mine' } })).dump());
    expect(u.requests[0]?.headers['x-request-id']).toBe('mine');
  });
});
