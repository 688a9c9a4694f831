import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ProblemError, createRouter, problem, readRawBody, refuseBody, reply, serve } from '../../src/index.ts';
import { createTestService } from '../server/helpers/service.ts';
import { onCleanup, useCleanup } from './helpers.ts';

useCleanup();

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

function post(port: number, body: Buffer | undefined, options: { agent?: Agent; chunked?: boolean; headers?: Record<string, string>; path?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...options.headers };
    if (body !== undefined && options.chunked !== true && headers['content-length'] === undefined) headers['content-length'] = String(body.length);
    const r = request({ host: '127.0.0.1', port, method: 'POST', path: options.path ?? '/raw', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: r.reusedSocket }));
    });
    r.on('error', reject);
    if (body === undefined) r.flushHeaders();
    else r.end(body);
  });
}

async function start(): Promise<{ port: number; agent: Agent }> {
  const t = createTestService('raw-body-test');
  const router = createRouter({ bodyLimitBytes: 1024 })
    .post('/raw', {}, async ({ req, res }) => {
      const bytes = await readRawBody(req, res, { limit: 1024, discardLimit: 64 * 1024 });
      return reply(200, { bytes: bytes.length, first: bytes[0] ?? null });
    })
    .post('/custom', {}, async ({ req, res }) => {
      await readRawBody(req, res, { limit: 10, tooLargeDetail: 'the image exceeds 10 bytes' });
      return reply(204, undefined);
    })
    .post('/locked', {}, ({ req, res }) => refuseBody(req, res, new ProblemError(problem(401, 'sign in first')), 64 * 1024));
  const server = await serve(t.service, router, { port: 0, host: '127.0.0.1' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  onCleanup(async () => {
    agent.destroy();
    await server.close();
  });
  return { port: server.port, agent };
}

describe('readRawBody', () => {
  it('reads a body within the limit, declared or chunked', async () => {
    const { port } = await start();
    const declared = await post(port, Buffer.alloc(1024, 3));
    expect(declared.status).toBe(200);
    expect(JSON.parse(declared.body)).toEqual({ bytes: 1024, first: 3 });
    const chunked = await post(port, Buffer.alloc(1000, 4), { chunked: true });
    expect(JSON.parse(chunked.body)).toEqual({ bytes: 1000, first: 4 });
  });

  it('413 over the limit, by declared Content-Length and while streaming, keeping the connection alive', async () => {
    const { port, agent } = await start();
    const first = await post(port, Buffer.alloc(4096, 1), { agent });
    expect(first.status).toBe(413);
    expect(first.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(first.body)).toMatchObject({ status: 413, detail: 'request body exceeds the limit of 1024 bytes' });
    expect(first.headers.connection).toBe('keep-alive');
    const second = await post(port, Buffer.alloc(4096, 1), { agent, chunked: true });
    expect(second.status).toBe(413);
    expect(second.reusedSocket).toBe(true);
    expect(second.headers.connection).toBe('keep-alive');
    const third = await post(port, Buffer.alloc(10, 9), { agent });
    expect(third.status).toBe(200);
    expect(third.reusedSocket).toBe(true);
    expect(JSON.parse(third.body)).toEqual({ bytes: 10, first: 9 });
  });

  it('413 with Connection: close at once when the declared length passes the discard limit', async () => {
    const { port } = await start();
    // only the headers go out: the answer must not wait for a body it will not read
    const res = await post(port, undefined, { headers: { 'content-length': String(1024 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe('close');
  });

  it('uses the given 413 detail', async () => {
    const { port } = await start();
    const res = await post(port, Buffer.alloc(11), { path: '/custom' });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ detail: 'the image exceeds 10 bytes' });
  });

  it('refuseBody drains an unread body before answering, so the connection stays usable', async () => {
    const { port, agent } = await start();
    const refused = await post(port, Buffer.alloc(32 * 1024, 1), { agent, path: '/locked' });
    expect(refused.status).toBe(401);
    expect(refused.headers.connection).toBe('keep-alive');
    const next = await post(port, Buffer.alloc(5), { agent });
    expect(next.status).toBe(200);
    expect(next.reusedSocket).toBe(true);
  });

  it('the router keeps the connection alive after a 413 for a modestly oversized JSON body', async () => {
    const t = createTestService('json-body-test');
    const router = createRouter({ bodyLimitBytes: 1024 }).post('/json', { body: z.object({ a: z.string() }) }, ({ body }) => ({ a: body.a }));
    const server = await serve(t.service, router, { port: 0, host: '127.0.0.1' });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    onCleanup(async () => {
      agent.destroy();
      await server.close();
    });
    const headers = { 'content-type': 'application/json' };
    const big = await post(server.port, Buffer.from(JSON.stringify({ a: 'x'.repeat(2000) })), { agent, headers, path: '/json' });
    expect(big.status).toBe(413);
    expect(big.headers.connection).toBe('keep-alive');
    const ok = await post(server.port, Buffer.from('{"a":"b"}'), { agent, headers, path: '/json' });
    expect(ok.status).toBe(200);
    expect(ok.reusedSocket).toBe(true);
    expect(JSON.parse(ok.body)).toEqual({ a: 'b' });
  });
});
