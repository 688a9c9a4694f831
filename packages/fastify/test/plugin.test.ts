// A real Fastify 5 app served by serveFastify() on port 0: the behaviour tests of serve()
// (probes, route-template labels, request id, trace context, access log) plus Fastify's errors
// as problems, the logger bridge, and the wiring errors.
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { ProblemError } from '@podkit/http';
import type { PodkitServer, ServeOptions } from '@podkit/http';
import { FastifyWiringError, fastifyOptions, podkitFastify, serveFastify } from '../src/index.ts';
import { send } from '../../http/test/server/helpers/http.ts';
import { createTestService } from '../../http/test/server/helpers/service.ts';
import type { TestService } from '../../http/test/server/helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(1000)));
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
const PARENT = '00f067aa0ba902b7';

/** The user's three lines, around a few routes. */
async function start(options: ServeOptions = {}, setup?: (app: FastifyInstance) => void): Promise<{ port: number; t: TestService; app: FastifyInstance; server: PodkitServer }> {
  const t = createTestService();
  const app = Fastify(fastifyOptions(t.service));
  await app.register(podkitFastify, { service: t.service });
  app.get<{ Params: { id: string } }>('/posts/:id', async (request) => {
    await sleep(1);
    request.log.info({ postId: request.params.id }, 'loading post');
    return { id: request.params.id, requestId: request.id };
  });
  await app.register(
    (child, _o, done) => {
      child.get('/users/:name', (request) => Promise.resolve({ name: (request.params as { name: string }).name }));
      done();
    },
    { prefix: '/v1' },
  );
  app.post('/posts', { schema: { body: { type: 'object', required: ['title'], properties: { title: { type: 'string' } } } } }, async (request, reply) => {
    return reply.code(201).send({ title: (request.body as { title: string }).title });
  });
  app.get('/boom', async () => {
    await sleep(1);
    throw new Error('database password=hunter2 refused');
  });
  app.get('/sync-boom', () => {
    throw new Error('sync failure');
  });
  app.get('/unavailable', async () => {
    await sleep(1);
    throw Object.assign(new Error('pool exhausted: postgres://app:s3cret@db'), { statusCode: 503 });
  });
  app.get('/conflict', async () => {
    await sleep(1);
    throw new ProblemError({ status: 409, title: 'Conflict', detail: 'exists' }, { 'retry-after': '2' });
  });
  setup?.(app);
  const server = await serveFastify(t.service, app, { port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  return { port: server.port, t, app, server };
}

describe('serveFastify(): what serve() gives a listener', () => {
  it('answers the probes and /metrics on the main port, and on the admin port when given', async () => {
    const { port, t } = await start();
    expect((await send(port, { path: '/health' })).json()).toEqual({ status: 'up', kind: 'liveness' });
    expect((await send(port, { path: '/ready' })).status).toBe(200);
    expect((await send(port, { path: '/startup' })).status).toBe(200);
    t.setStatus('readiness', 'down');
    expect((await send(port, { path: '/ready' })).status).toBe(503);
    const admin = await start({ adminPort: 0, adminHost: '127.0.0.1' });
    expect((await send(admin.server.adminPort!, { path: '/ready' })).status).toBe(200);
    expect((await send(admin.port, { path: '/ready' })).status).toBe(404);
    expect((await send(admin.server.adminPort!, { path: '/metrics' })).text).toContain('http_requests_total');
  });

  it('labels metrics, the access line and the span with Fastify route templates (prefixes included); unmatched is one label', async () => {
    exporter.reset();
    const { port, t } = await start();
    for (const id of ['1', '2', '3']) expect((await send(port, { path: `/posts/${id}?token=secret` })).status).toBe(200);
    expect((await send(port, { path: '/v1/users/ann' })).json()).toEqual({ name: 'ann' });
    for (const p of ['/nope/1', '/nope/2']) {
      const res = await send(port, { path: p });
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json()).toMatchObject({ status: 404, detail: `no route for GET ${p}` });
    }
    const metrics = (await send(port, { path: '/metrics' })).text;
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="\/posts\/:id"[^}]*\} 3/);
    expect(metrics).toMatch(/route="\/v1\/users\/:name"/);
    expect(metrics).toMatch(/http_requests_total\{[^}]*route="unmatched"[^}]*status="404"[^}]*\} 2/);
    expect(metrics).not.toMatch(/route="\/posts\/1"|route="\/nope/);
    expect(t.lines.find((l) => l.msg === 'request completed' && l.path === '/posts/1')).toMatchObject({ route: '/posts/:id', status: 200 });
    expect(JSON.stringify(t.lines)).not.toContain('secret');
    expect(exporter.getFinishedSpans().map((s) => s.name)).toContain('GET /v1/users/:name');
  });

  it('echoes x-request-id, makes it request.id, and puts it and the trace ids on request.log lines and the access line', async () => {
    exporter.reset();
    const { port, t } = await start();
    const res = await send(port, { path: '/posts/9', headers: { 'x-request-id': 'req-fastify-1', traceparent: `00-${TRACE_ID}-${PARENT}-01` } });
    expect(res.headers['x-request-id']).toBe('req-fastify-1');
    expect(res.json()).toEqual({ id: '9', requestId: 'req-fastify-1' });
    const span = exporter.getFinishedSpans().find((s) => s.spanContext().traceId === TRACE_ID);
    expect(span?.name).toBe('GET /posts/:id');
    expect(span?.parentSpanContext?.spanId).toBe(PARENT);
    const line = t.lines.find((l) => l.msg === 'loading post');
    expect(line).toMatchObject({ request_id: 'req-fastify-1', trace_id: TRACE_ID, span_id: span?.spanContext().spanId, postId: '9' });
    expect(line).not.toHaveProperty('reqId');
    expect(t.lines.find((l) => l.msg === 'request completed')).toMatchObject({ request_id: 'req-fastify-1', trace_id: TRACE_ID, route: '/posts/:id' });
    // Fastify's own per-request lines are off: one access line per request, podkit's.
    expect(t.lines.filter((l) => l.msg === 'incoming request')).toEqual([]);
    const generated = await send(port, { path: '/posts/1' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(generated.json()).toMatchObject({ requestId: generated.headers['x-request-id'] });
  });

  it('makes app.log and reply.log the service logger too, and leaves an app its own logger', async () => {
    const t = createTestService();
    const app = Fastify(fastifyOptions(t.service));
    await app.register(podkitFastify, { service: t.service });
    app.log.info('app line');
    app.get('/r', (_request, reply) => {
      reply.log.warn('reply line');
      return Promise.resolve('ok');
    });
    const server = await serveFastify(t.service, app, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    await send(server.port, { path: '/r', headers: { 'x-request-id': 'reply-log' } });
    expect(t.lines.find((l) => l.msg === 'app line')).toMatchObject({ level: 'info', service: t.lines[0]!.service });
    expect(t.lines.find((l) => l.msg === 'reply line')).toMatchObject({ level: 'warn', request_id: 'reply-log' });

    // an app with a logger of its own keeps it: its lines do not go to the service logger
    const own: string[] = [];
    const { pino } = await import('pino');
    const other = createTestService();
    const mine = Fastify({ ...fastifyOptions(other.service), loggerInstance: pino({ level: 'info' }, { write: (s: string) => void own.push(s) }), disableRequestLogging: true });
    await mine.register(podkitFastify, { service: other.service });
    mine.get('/m', (request) => {
      request.log.info('own logger line');
      return Promise.resolve('ok');
    });
    const mineServer = await serveFastify(other.service, mine, { port: 0, host: '127.0.0.1' });
    servers.push(mineServer);
    await send(mineServer.port, { path: '/m' });
    expect(own.some((l) => l.includes('own logger line'))).toBe(true);
    expect(other.lines.find((l) => l.msg === 'own logger line')).toBeUndefined();
    expect(other.lines.find((l) => l.msg === 'request completed')).toMatchObject({ route: '/m', status: 200 });
  });

  it('keeps the request context across a body that arrives in pieces', async () => {
    const t = createTestService();
    const app = Fastify(fastifyOptions(t.service));
    await app.register(podkitFastify, { service: t.service });
    app.post('/echo', (request) => {
      request.log.info('got body');
      return Promise.resolve(request.body);
    });
    const server = await serveFastify(t.service, app, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const { request } = await import('node:http');
    const body = await new Promise<string>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: server.port, method: 'POST', path: '/echo', headers: { 'content-type': 'application/json', 'x-request-id': 'split-body' } }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => (text += c)).on('end', () => resolve(text));
      });
      r.on('error', reject);
      r.write('{"a":');
      setImmediate(() => r.end('1}'));
    });
    expect(JSON.parse(body)).toEqual({ a: 1 });
    expect(t.lines.find((l) => l.msg === 'got body')).toMatchObject({ request_id: 'split-body' });
  });
});

describe('Fastify errors as podkit problems', () => {
  for (const path of ['/boom', '/sync-boom']) {
    it(`${path}: logs once with request and trace ids, answers 500 without message or stack`, async () => {
      const stderr = vi.spyOn(process.stderr, 'write');
      const { port, t } = await start();
      const res = await send(port, { path, headers: { 'x-request-id': `id${path.replace('/', '-')}`, traceparent: `00-${TRACE_ID}-${PARENT}-01` } });
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(res.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the server failed to handle the request' });
      expect(res.text).not.toMatch(/hunter2|sync failure| at /);
      const errors = t.lines.filter((l) => l.level === 'error' && l.msg !== 'request completed');
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ msg: 'request handler failed', request_id: `id${path.replace('/', '-')}`, trace_id: TRACE_ID, route: path, method: 'GET' });
      expect(t.lines.find((l) => l.msg === 'request completed')).toMatchObject({ status: 500, route: path });
      expect(stderr).not.toHaveBeenCalled();
    });
  }

  it('schema validation: 400 problem listing the field, not logged as an error', async () => {
    const { port, t } = await start();
    const res = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: '{"nope":1}' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, title: 'Bad Request', errors: [{ in: 'body', path: '', message: "must have required property 'title'" }] });
    const bad = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: '{"title":' });
    expect(bad.status).toBe(400);
    const media = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'text/x-unknown' }, body: 'x' });
    expect(media.status).toBe(415);
    expect(media.json()).toMatchObject({ status: 415, title: 'Unsupported Media Type' });
    expect((await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: '{"title":"t"}' })).status).toBe(201);
    expect(t.lines.filter((l) => l.msg === 'request handler failed')).toEqual([]);
  });

  it('an error\'s own 5xx statusCode is kept, its message is not', async () => {
    const { port, t } = await start();
    const res = await send(port, { path: '/unavailable' });
    expect(res.status).toBe(503);
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'the server failed to handle the request' });
    expect(res.text).not.toContain('s3cret');
    expect(t.lines.filter((l) => l.msg === 'request handler failed')).toHaveLength(1);
  });

  it('a ProblemError answers its problem and headers', async () => {
    const { port } = await start();
    const res = await send(port, { path: '/conflict' });
    expect(res.status).toBe(409);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'exists' });
  });
});

describe('wiring', () => {
  it('refuses an app without the plugin, or one that listens already, naming the fix', async () => {
    const t = createTestService();
    const bare = Fastify();
    await expect(serveFastify(t.service, bare, { port: 0 })).rejects.toThrow(FastifyWiringError);
    await expect(serveFastify(t.service, bare, { port: 0 })).rejects.toThrow(/await app\.register\(podkitFastify, \{ service \}\)/);
    const listening = Fastify();
    await listening.register(podkitFastify, { service: t.service });
    await listening.listen({ port: 0, host: '127.0.0.1' });
    await expect(serveFastify(t.service, listening, { port: 0 })).rejects.toMatchObject({ code: 'ERR_PODKIT_FASTIFY_WIRING', message: /remove app\.listen\(\)/ });
    await listening.close();
    await bare.close();
    const unconfigured = Fastify();
    await expect(unconfigured.register(podkitFastify, {} as never)).rejects.toThrow(/podkitFastify needs the service/);
  });

  it('drains on the lifecycle, then closes the app: its onClose hooks run after the last request', async () => {
    const order: string[] = [];
    const { port, t } = await start({}, (app) => app.addHook('onClose', (_instance, done) => {
      order.push('app closed');
      done();
    }));
    expect((await send(port, { path: '/posts/1' })).status).toBe(200);
    const drainer = t.drainers.find((d) => d.name === 'http')!;
    await drainer.drain({ deadline: Date.now() + 5000, signal: new AbortController().signal });
    order.push('drained');
    expect(order).toEqual(['drained']);
    const server = servers.pop()!;
    await server.close(100);
    expect(order).toEqual(['drained', 'app closed']);
  });
});
