import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProblemError, createRouter, problem, reply, serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import type { TestResponse } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';
import type { LogLine } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(): Promise<{ port: number; lines: LogLine[] }> {
  const t = createTestService();
  const router = createRouter({ bodyLimitBytes: 1024, maxJsonDepth: 8 })
    .get('/posts/:id', { params: z.object({ id: z.string().regex(/^\d+$/) }), query: z.object({ full: z.enum(['yes', 'no']).optional() }) }, ({ params, query }) => ({
      id: Number(params.id),
      full: query.full ?? 'no',
    }))
    .post('/posts', { body: z.object({ title: z.string().min(1), tags: z.array(z.string()).optional() }) }, ({ body }) =>
      reply(201, { title: body.title, tags: body.tags ?? [] }, { location: '/posts/1' }),
    )
    .delete('/posts/:id', {}, () => undefined)
    .get('/teapot', {}, () => {
      throw new ProblemError(problem(418, 'short and stout'));
    })
    .get('/boom', {}, async () => {
      await Promise.resolve();
      throw new Error('database password is hunter2');
    })
    .get('/stream', {}, ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('raw');
    });
  const server = await serve(t.service, router, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return { port: server.port, lines: t.lines };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions on parsed JSON
function expectProblem(res: TestResponse, status: number): any {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  const body = res.json() as Record<string, unknown>;
  expect(body).toMatchObject({ type: 'about:blank', status });
  expect(typeof body.title).toBe('string');
  expect(res.text).not.toMatch(/\bat .*\.ts:\d+/); // never a stack trace
  return body;
}

describe('router', () => {
  it('validates params and query and answers JSON', async () => {
    const { port } = await start();
    const res = await send(port, { path: '/posts/42?full=yes' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ id: 42, full: 'yes' });
  });

  it('answers HEAD for GET routes without a body', async () => {
    const { port } = await start();
    const res = await send(port, { method: 'HEAD', path: '/posts/42' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('sends a Reply with its status and headers, and 204 for undefined', async () => {
    const { port } = await start();
    const created = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: '{"title":"hi"}' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/posts/1');
    expect(created.json()).toEqual({ title: 'hi', tags: [] });
    const deleted = await send(port, { method: 'DELETE', path: '/posts/1' });
    expect(deleted.status).toBe(204);
  });

  it('lets a handler write the raw response itself', async () => {
    const { port } = await start();
    const res = await send(port, { path: '/stream' });
    expect(res.text).toBe('raw');
  });

  it('400 for invalid params or query, naming each offending field', async () => {
    const { port } = await start();
    const body = expectProblem(await send(port, { path: '/posts/abc?full=maybe' }), 400);
    expect(body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'params', path: 'id' })]));
    const query = expectProblem(await send(port, { path: '/posts/1?full=maybe' }), 400);
    expect(query.errors).toEqual([expect.objectContaining({ in: 'query', path: 'full' })]);
  });

  it('400 for a body failing its schema, naming the field', async () => {
    const { port } = await start();
    const res = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: '{"title":""}' });
    const body = expectProblem(res, 400);
    expect(body.errors).toEqual([expect.objectContaining({ in: 'body', path: 'title' })]);
  });

  it('404 for an unknown route', async () => {
    const { port } = await start();
    const body = expectProblem(await send(port, { path: '/nope?x=1' }), 404);
    expect(body.detail).toBe('no route for GET /nope');
  });

  it('405 with Allow for a known path and wrong method', async () => {
    const { port } = await start();
    const res = await send(port, { method: 'PUT', path: '/posts/1' });
    expectProblem(res, 405);
    expect(String(res.headers.allow).split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD']);
  });

  it('415 for a body that is not JSON', async () => {
    const { port } = await start();
    expectProblem(await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'text/plain' }, body: 'title=hi' }), 415);
    expectProblem(await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{}' }), 415);
  });

  it('413 for a body over the limit, by Content-Length and while streaming', async () => {
    const { port } = await start();
    const big = JSON.stringify({ title: 'x'.repeat(2000) });
    const declared = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: big });
    expectProblem(declared, 413);
    expect(declared.headers.connection).toBe('close');
    const chunked = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: big, chunked: true });
    expectProblem(chunked, 413);
  });

  it('400 for malformed JSON', async () => {
    const { port } = await start();
    const body = expectProblem(await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: '{"title":' }), 400);
    expect(body.detail).toMatch(/^malformed JSON body/);
  });

  it('400 for __proto__ keys, also escaped and nested, and for constructor.prototype', async () => {
    const { port } = await start();
    const post = (body: string) => send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body });
    expect(expectProblem(await post('{"title":"a","__proto__":{"admin":true}}'), 400).detail).toMatch(/__proto__/);
    expect(expectProblem(await post('{"title":"a","tags":[],"x":[{"\\u005f_proto__":{"admin":true}}]}'), 400).detail).toMatch(/__proto__/);
    expect(expectProblem(await post('{"title":"a","constructor":{"prototype":{"admin":true}}}'), 400).detail).toMatch(/constructor\.prototype/);
  });

  it('400 for nesting deeper than the limit, before parsing', async () => {
    const { port } = await start();
    const deep = '{"title":"a","x":' + '['.repeat(500) + ']'.repeat(500) + '}';
    expect(expectProblem(await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body: deep }), 400).detail).toMatch(/deeper than the limit of 8/);
  });

  it('sends a thrown ProblemError as is', async () => {
    const { port } = await start();
    expect(expectProblem(await send(port, { path: '/teapot' }), 418).detail).toBe('short and stout');
  });

  it('500 without details for an unexpected error, logged with the request id', async () => {
    const { port, lines } = await start();
    const res = await send(port, { path: '/boom', headers: { 'x-request-id': 'boom-1' } });
    const body = expectProblem(res, 500);
    expect(res.text).not.toContain('hunter2');
    expect(body.detail).toBe('the server failed to handle the request');
    const logged = lines.find((l) => l.msg === 'request handler failed');
    expect(logged).toMatchObject({ level: 'error', request_id: 'boom-1', route: '/boom' });
  });
});
