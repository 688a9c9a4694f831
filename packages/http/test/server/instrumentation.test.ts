import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import { createRouter, serve, setRouteTemplate } from '../../src/index.ts';
import type { PodkitServer, ServeOptions } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';
import type { TestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(handler: Parameters<typeof serve>[1], options: ServeOptions = {}): Promise<{ port: number; t: TestService }> {
  const t = createTestService();
  const server = await serve(t.service, handler, { port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  return { port: server.port, t };
}

function router(t?: { logged?: (id: string) => void }) {
  return createRouter().get('/posts/:id', { params: z.object({ id: z.string() }) }, async ({ params }) => {
    await new Promise((r) => setImmediate(r));
    t?.logged?.(params.id);
    return { id: params.id };
  });
}

describe('request id', () => {
  it('echoes an incoming x-request-id and puts it on every log line of the request', async () => {
    const t = createTestService();
    const r = createRouter().get('/posts/:id', {}, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      t.service.logger.info('loading post');
      return {};
    });
    const server = await serve(t.service, r, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const res = await send(server.port, { path: '/posts/7?token=secret', headers: { 'x-request-id': 'req-abc-123' } });
    expect(res.headers['x-request-id']).toBe('req-abc-123');
    expect(t.lines.find((l) => l.msg === 'loading post')).toMatchObject({ request_id: 'req-abc-123' });
    const access = t.lines.find((l) => l.msg === 'request completed');
    expect(access).toMatchObject({ level: 'info', method: 'GET', route: '/posts/:id', path: '/posts/7', status: 200, request_id: 'req-abc-123' });
    expect(typeof access?.durationMs).toBe('number');
    expect(JSON.stringify(t.lines)).not.toContain('secret');
  });

  it('generates a UUID when the header is missing or not a plausible id', async () => {
    const { port } = await start(router());
    const generated = await send(port, { path: '/posts/1' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const injected = await send(port, { path: '/posts/1', headers: { 'x-request-id': 'a b\tc"}' } });
    expect(injected.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs the access line at warn for 4xx and can be turned off', async () => {
    const { port, t } = await start(router());
    await send(port, { path: '/nope' });
    expect(t.lines.find((l) => l.msg === 'request completed')).toMatchObject({ level: 'warn', status: 404, route: 'unmatched' });
    const quiet = await start(router(), { accessLog: false });
    await send(quiet.port, { path: '/posts/1' });
    expect(quiet.t.lines.filter((l) => l.msg === 'request completed')).toEqual([]);
  });
});

/** Registers a real OpenTelemetry SDK for the enclosing describe block; returns its exporter. */
function useTracing(sampler?: AlwaysOffSampler): InMemorySpanExporter {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ ...(sampler ? { sampler } : {}), spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
  });
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });
  return exporter;
}

describe('trace context', () => {
  const exporter = useTracing();

  it('continues an incoming traceparent with a server span named by method and route template', async () => {
    const t = createTestService();
    const r = createRouter().get('/posts/:id', {}, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      t.service.logger.info('inside span');
      return {};
    });
    const server = await serve(t.service, r, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    await send(server.port, { path: '/posts/9', headers: { traceparent: `00-${traceId}-${parentSpanId}-01` } });
    const span = exporter.getFinishedSpans().find((s) => s.spanContext().traceId === traceId);
    expect(span?.name).toBe('GET /posts/:id');
    expect(span?.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span?.attributes).toMatchObject({ 'http.route': '/posts/:id', 'http.response.status_code': 200, 'http.request.method': 'GET' });
    const line = t.lines.find((l) => l.msg === 'inside span');
    expect(line).toMatchObject({ trace_id: traceId, span_id: span?.spanContext().spanId });
    expect(t.lines.find((l) => l.msg === 'request completed')).toMatchObject({ trace_id: traceId });
  });

  it('keeps probe requests out of traces and access logs', async () => {
    exporter.reset();
    const { port, t } = await start(router());
    expect((await send(port, { path: '/ready' })).status).toBe(200);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(t.lines.filter((l) => l.msg === 'request completed')).toEqual([]);
  });
});

describe('trace context with a sampler that drops the request', () => {
  const exporter = useTracing(new AlwaysOffSampler());

  it('still puts a trace id on the log lines of an unsampled request with no incoming traceparent', async () => {
    const t = createTestService();
    const r = createRouter().get('/posts/:id', {}, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      t.service.logger.info('inside unsampled span');
      return {};
    });
    const server = await serve(t.service, r, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    await send(server.port, { path: '/posts/1' });
    expect(exporter.getFinishedSpans()).toEqual([]);
    const line = t.lines.find((l) => l.msg === 'inside unsampled span');
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(t.lines.find((l) => l.msg === 'request completed')?.trace_id).toBe(line?.trace_id);
  });
});

describe('metrics', () => {
  async function metricsText(port: number): Promise<string> {
    return (await send(port, { path: '/metrics' })).text;
  }

  it('labels requests with the route template, never the raw path', async () => {
    const { port } = await start(router());
    await send(port, { path: '/posts/1' });
    await send(port, { path: '/posts/2' });
    await send(port, { path: '/nope/3' });
    await send(port, { path: '/nope/4' });
    const text = await metricsText(port);
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/posts\/:id",status="200",service="http-test",version="1.0.0"\} 2/);
    expect(text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="404"[^}]*\} 2/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{method="GET",route="\/posts\/:id",status="200",le="0.001"/);
    expect(text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/posts\/:id",status="200"[^}]*\} 2/);
    expect(text).toContain('# TYPE http_requests_in_flight gauge');
    expect(text).not.toContain('/posts/1');
    expect(text).not.toMatch(/route="\/metrics"/);
  });

  it('maps junk methods to one label value', async () => {
    const { port } = await start(router());
    await send(port, { method: 'PROPFIND', path: '/posts/1' });
    await send(port, { method: 'PURGE', path: '/posts/1' });
    const text = await metricsText(port);
    expect(text).toMatch(/http_requests_total\{method="_OTHER",route="unmatched",status="405"[^}]*\} 2/);
    expect(text).not.toMatch(/method="(PROPFIND|PURGE)"/);
  });

  it('picks up Express route templates, including mounted routers', async () => {
    const app = express();
    const api = express.Router();
    api.get('/items/:itemId', (req, res) => {
      res.json({ id: req.params.itemId });
    });
    app.use('/api', api);
    app.get('/users/:id', (req, res) => {
      res.json({ id: req.params.id });
    });
    const { port } = await start(app);
    expect((await send(port, { path: '/users/5' })).json()).toEqual({ id: '5' });
    await send(port, { path: '/api/items/9' });
    await send(port, { path: '/elsewhere' });
    const text = await metricsText(port);
    expect(text).toMatch(/route="\/users\/:id",status="200"/);
    expect(text).toMatch(/route="\/api\/items\/:itemId",status="200"/);
    expect(text).toMatch(/route="unmatched",status="404"/);
  });

  it('takes a template from setRouteTemplate for other frameworks', async () => {
    const { port } = await start((req, res) => {
      setRouteTemplate(res, '/things/:id');
      res.end('ok');
    });
    await send(port, { path: '/things/abc' });
    expect(await metricsText(port)).toMatch(/route="\/things\/:id",status="200"/);
  });
});
