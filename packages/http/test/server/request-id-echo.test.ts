// The request id is echoed when the head is written (PodkitServerResponse's writeHead), whatever
// way the application writes it, and the application's own value wins.
import { request as httpRequest } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { problem, sendProblem, serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(1000)));
});

const SHARED = Object.freeze({ 'content-type': 'text/plain', 'x-app': '1' });

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/end': (_req, res) => res.end('ok'),
  '/set-then-end': (_req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end('ok');
  },
  // a frozen object shared by every response: copied with the id, never changed
  '/write-head-object': (_req, res) => res.writeHead(200, SHARED).end('ok'),
  '/write-head-reason': (_req, res) => res.writeHead(201, 'Made', { 'content-type': 'text/plain' }).end('ok'),
  '/write-head-array': (_req, res) => res.writeHead(200, ['content-type', 'text/plain', 'x-app', '1']).end('ok'),
  '/progressive-then-object': (_req, res) => {
    res.setHeader('x-early', 'yes');
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  },
  '/own-id-set': (_req, res) => {
    res.setHeader('X-Request-Id', 'app-chosen');
    res.end('ok');
  },
  '/own-id-object': (_req, res) => res.writeHead(200, { 'X-Request-ID': 'app-chosen' }).end('ok'),
  '/own-id-array': (_req, res) => res.writeHead(200, ['x-request-id', 'app-chosen']).end('ok'),
  '/flush': (_req, res) => {
    res.flushHeaders();
    res.end('ok');
  },
};

async function start(): Promise<number> {
  const t = createTestService();
  const server = await serve(t.service, (req, res) => (routes[req.url ?? ''] ?? routes['/end']!)(req, res), { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return server.port;
}

/** Every value the response carried for `x-request-id` (raw headers: duplicates show). */
function rawIds(port: number, path: string, id: string): Promise<{ ids: string[]; status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const r = httpRequest({ host: '127.0.0.1', port, path, headers: { 'x-request-id': id }, agent: false }, (res) => {
      const ids: string[] = [];
      for (let i = 0; i < res.rawHeaders.length; i += 2) if (res.rawHeaders[i]!.toLowerCase() === 'x-request-id') ids.push(res.rawHeaders[i + 1]!);
      res.resume().on('end', () => resolve({ ids, status: res.statusCode ?? 0, headers: res.headers }));
    });
    r.on('error', reject);
    r.end();
  });
}

describe('request id echo', () => {
  it('is in the head however the application writes it, exactly once', async () => {
    const port = await start();
    for (const path of ['/end', '/set-then-end', '/write-head-object', '/write-head-reason', '/write-head-array', '/progressive-then-object', '/flush']) {
      const { ids, headers } = await rawIds(port, path, `id-${path.slice(1)}`);
      expect(ids, path).toEqual([`id-${path.slice(1)}`]);
      if (path.startsWith('/write-head-object') || path === '/write-head-array') expect(headers['x-app'], path).toBe('1');
      if (path === '/progressive-then-object') expect(headers['x-early']).toBe('yes');
    }
    expect(Object.keys(SHARED)).toEqual(['content-type', 'x-app']);
    const reason = await rawIds(port, '/write-head-reason', 'r');
    expect(reason.status).toBe(201);
  });

  it("lets the application's own x-request-id win, in any case, without a duplicate", async () => {
    const port = await start();
    for (const path of ['/own-id-set', '/own-id-object', '/own-id-array']) {
      expect((await rawIds(port, path, 'incoming')).ids, path).toEqual(['app-chosen']);
    }
  });

  it('is echoed by problem responses and generated when the caller sent none', async () => {
    const t = createTestService();
    const server = await serve(t.service, (_req, res) => sendProblem(res, problem(404, 'nothing here')), { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const res = await send(server.port, { path: '/nothing-here' });
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('survives Express swapping the response prototype', async () => {
    const t = createTestService();
    const app = express();
    app.get('/x', (_req, res) => {
      res.json({ ok: true });
    });
    const server = await serve(t.service, app, { port: 0, host: '127.0.0.1' });
    servers.push(server);
    expect((await rawIds(server.port, '/x', 'express-id')).ids).toEqual(['express-id']);
  });
});
