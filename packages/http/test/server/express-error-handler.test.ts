// expressErrorHandler() on a real Express 5 app served by serve(): a sync throw and an async
// rejection are each logged once as JSON with request_id and trace ids, and answered with an
// RFC 9457 problem without the message or the stack; client errors keep their 4xx; nothing
// reaches stderr.
import express from 'express';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ProblemError, expressErrorHandler, expressNotFound, serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  vi.restoreAllMocks();
});

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
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

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceparent = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

async function start() {
  const t = createTestService();
  const app = express();
  app.get('/sync/:id', () => {
    throw new Error('db password=hunter2 rejected');
  });
  app.get('/async/:id', async () => {
    await new Promise((r) => setImmediate(r));
    throw new Error('upstream exploded');
  });
  app.get('/problem', () => {
    throw new ProblemError({ status: 409, title: 'Conflict', detail: 'already exists' }, { 'retry-after': '3' });
  });
  app.get('/client', () => {
    throw Object.assign(new Error('missing filter'), { status: 400, expose: true });
  });
  app.get('/started', (_req, res, next) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('partial');
    next(new Error('failed mid-stream'));
  });
  app.get('/unavailable', () => {
    throw Object.assign(new Error('pool exhausted: postgres://app:s3cret@db'), { status: 503 });
  });
  app.post('/json', express.json(), (req, res) => res.json(req.body));
  const admin = express.Router();
  admin.get('/users', (_req, res) => res.json([]));
  app.use('/admin', admin);
  app.use(expressNotFound());
  app.use(expressErrorHandler(t.service));
  const server = await serve(t.service, app, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return { port: server.port, t };
}

describe('expressErrorHandler()', () => {
  for (const kind of ['sync', 'async'] as const) {
    it(`logs a ${kind} route error once with request_id and trace ids, and answers a 500 problem without the stack`, async () => {
      const stderr = vi.spyOn(process.stderr, 'write');
      const consoleError = vi.spyOn(console, 'error');
      const { port, t } = await start();
      const res = await send(port, { path: `/${kind}/7`, headers: { 'x-request-id': `req-${kind}`, traceparent } });
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the server failed to handle the request' });
      expect(res.text).not.toMatch(/ at |hunter2|exploded|rejected/);
      const errors = t.lines.filter((l) => l.level === 'error' && l.msg === 'request handler failed');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ request_id: `req-${kind}`, trace_id: TRACE_ID, method: 'GET', route: `/${kind}/:id` });
      expect(errors[0]!.span_id).toMatch(/^[0-9a-f]{16}$/);
      expect((errors[0]!.err as { message: string }).message).toMatch(kind === 'sync' ? /rejected/ : /upstream exploded/);
      expect(t.lines.find((l) => l.msg === 'request completed')).toMatchObject({ status: 500, route: `/${kind}/:id`, request_id: `req-${kind}` });
      expect(stderr).not.toHaveBeenCalled();
      expect(consoleError).not.toHaveBeenCalled();
    });
  }

  it('keeps an error\'s own 5xx status, still without its message, and logs it', async () => {
    const { port, t } = await start();
    const res = await send(port, { path: '/unavailable' });
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the server failed to handle the request' });
    expect(res.text).not.toContain('s3cret');
    expect(t.lines.filter((l) => l.msg === 'request handler failed')).toHaveLength(1);
  });

  it('answers a ProblemError with its problem and headers, unlogged', async () => {
    const { port, t } = await start();
    const res = await send(port, { path: '/problem' });
    expect(res.status).toBe(409);
    expect(res.headers['retry-after']).toBe('3');
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'already exists' });
    expect(t.lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('keeps the 4xx of client errors (http-errors, body-parser) as problems', async () => {
    const { port, t } = await start();
    const bad = await send(port, { path: '/client' });
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'missing filter' });
    const json = await send(port, { method: 'POST', path: '/json', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(json.status).toBe(400);
    expect(json.headers['content-type']).toBe('application/problem+json');
    expect(json.text).not.toMatch(/ at /);
    expect(t.lines.filter((l) => l.level === 'error' && l.msg === 'request handler failed')).toEqual([]);
  });

  it('after the headers went out: logs once and cuts the connection instead of ending a truncated body cleanly', async () => {
    const { port, t } = await start();
    await expect(send(port, { path: '/started' })).rejects.toThrow();
    await vi.waitFor(() => expect(t.lines.find((l) => l.msg === 'request aborted' || l.msg === 'request completed')).toBeDefined());
    expect(t.lines.filter((l) => l.msg === 'request handler failed')).toHaveLength(1);
  });

  it('answers an unmatched route with a 404 problem (not Express\' HTML page), also inside a mounted router', async () => {
    const { port, t } = await start();
    for (const path of ['/nope?secret=1', '/admin/nope']) {
      const res = await send(port, { path });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: `no route for GET ${path.split('?')[0]!}` });
    }
    const head = await send(port, { method: 'HEAD', path: '/nope' });
    expect(head.status).toBe(404);
    expect(head.text).toBe('');
    expect(t.lines.filter((l) => l.msg === 'request completed').map((l) => [l.status, l.route])).toEqual([
      [404, 'unmatched'],
      [404, 'unmatched'],
      [404, 'unmatched'],
    ]);
    expect(t.lines.filter((l) => l.level === 'error')).toEqual([]);
  });
});
