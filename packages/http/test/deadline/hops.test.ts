import { once } from 'node:events';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProblemError, createProxy, createRouter, problem, serve } from '../../src/index.ts';
import type { HttpClient } from '../../src/index.ts';
import { onCleanup, plainServer, serveProxy, testClient, useCleanup } from '../proxy/helpers.ts';
import { send } from '../server/helpers/http.ts';
import { createTestService } from '../server/helpers/service.ts';

useCleanup();

/** serve()s a router (closed after the test). */
async function serveRouter(router: ReturnType<typeof createRouter>): Promise<number> {
  const server = await serve(createTestService().service, router, { port: 0, host: '127.0.0.1' });
  onCleanup(() => server.close());
  return server.port;
}

/** A "comments" service: each request looks a post up through `posts`; failure → 503 Retry-After 1 (as the example). */
function commentsRouter(posts: () => HttpClient, seen: { count: number; budgets: string[] }): ReturnType<typeof createRouter> {
  return createRouter().get('/comments/:id', {}, async ({ req }) => {
    seen.count++;
    seen.budgets.push(String(req.headers['x-podkit-timeout-ms']));
    try {
      const r = await posts().get('/posts/1');
      return { post: await r.json() };
    } catch {
      throw new ProblemError(problem(503, 'the posts service is unavailable; try again shortly'), { 'retry-after': '1' });
    }
  });
}

describe('deadlines and retries across three hops', () => {
  it('the budget travels across gateway → comments → posts and shrinks at each hop', async () => {
    const postsSeen: string[] = [];
    const posts = await plainServer((req, res) => {
      postsSeen.push(String(req.headers['x-podkit-timeout-ms']));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
    });
    const toPosts = testClient({ name: 'posts', baseUrl: posts.url });
    const seen = { count: 0, budgets: [] as string[] };
    const comments = await serveRouter(commentsRouter(() => toPosts, seen));
    const toComments = testClient({ name: 'comments', baseUrl: `http://127.0.0.1:${comments}` });
    const gateway = await serveProxy(createProxy({ client: toComments }));

    const res = await send(gateway.port, { path: '/comments/1', headers: { 'x-podkit-timeout-ms': '2000' } });
    expect(res.status).toBe(200);
    const atComments = Number(seen.budgets[0]);
    const atPosts = Number(postsSeen[0]);
    expect(atComments).toBeGreaterThan(0);
    expect(atComments).toBeLessThanOrEqual(2000 - 10);
    expect(atPosts).toBeGreaterThan(0);
    expect(atPosts).toBeLessThanOrEqual(atComments - 10);
  });

  it('a marked response is not retried by the client or the proxy; an unmarked one is', async () => {
    let marked = true;
    const up = await plainServer((_req, res) => {
      const headers: Record<string, string> = { 'content-type': 'application/problem+json', 'retry-after': '0' };
      if (marked) headers['x-podkit-no-retry'] = 'upstream';
      res.writeHead(503, headers).end('{"status":503}');
    });
    const client = testClient({ name: 'up', baseUrl: up.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    await expect(client.get('/x')).rejects.toMatchObject({ status: 503 });
    expect(up.requests).toHaveLength(1);

    const proxy = await serveProxy(createProxy({ client }));
    const res = await send(proxy.port, { path: '/x' });
    expect(res.status).toBe(503);
    expect(res.headers['x-podkit-no-retry']).toBe('upstream');
    expect(up.requests).toHaveLength(2);

    marked = false;
    await expect(client.get('/x')).rejects.toMatchObject({ status: 503 });
    expect(up.requests).toHaveLength(5);
  });

  it('a server whose upstream call failed marks its 5xx problem (thrown from a handler)', async () => {
    const refused = await plainServer(() => undefined);
    refused.server.close();
    await once(refused.server, 'close');
    const toPosts = testClient({ name: 'posts', baseUrl: refused.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const seen = { count: 0, budgets: [] as string[] };
    const comments = await serveRouter(commentsRouter(() => toPosts, seen));
    const res = await send(comments, { path: '/comments/1' });
    expect(res.status).toBe(503);
    expect(res.headers['x-podkit-no-retry']).toBe('upstream');
  });

  it('a client error a route does not catch is answered as an upstream failure (503/504/502 problem), never a 500', async () => {
    const refused = await plainServer(() => undefined);
    refused.server.close();
    await once(refused.server, 'close');
    const gone = testClient({ name: 'gone', baseUrl: refused.url, retry: false });
    const notFound = await plainServer((_req, res) => res.writeHead(404).end('no'));
    const missing = testClient({ name: 'missing', baseUrl: notFound.url });
    const port = await serveRouter(
      createRouter()
        .get('/refused', {}, async () => (await gone.get('/x')).json())
        .get('/missing', {}, async () => (await missing.get('/x')).json()),
    );
    const a = await send(port, { path: '/refused' });
    expect(a.status).toBe(503);
    expect(a.headers['content-type']).toBe('application/problem+json');
    expect(a.headers['x-podkit-no-retry']).toBe('upstream');
    expect(a.text).not.toContain('127.0.0.1');
    const b = await send(port, { path: '/missing' });
    expect(b.status).toBe(502);
    expect(b.headers['x-podkit-no-retry']).toBeUndefined();
  });

  it('posts down: the gateway does not retry comments; after the breaker opens the error reaches the caller within 100 ms', async () => {
    // "posts" accepts connections and resets them at once: down, but every request is counted.
    let postsConnections = 0;
    const sockets = new Set<Socket>();
    const postsServer = createNetServer((s) => {
      postsConnections++;
      s.destroy();
    });
    postsServer.on('connection', (s: Socket) => sockets.add(s));
    postsServer.listen(0, '127.0.0.1');
    await once(postsServer, 'listening');
    onCleanup(async () => {
      postsServer.close();
      await once(postsServer, 'close');
    });
    const postsUrl = `http://127.0.0.1:${(postsServer.address() as AddressInfo).port}`;
    const toPosts = testClient({ name: 'posts', baseUrl: postsUrl });
    const seen = { count: 0, budgets: [] as string[] };
    const comments = await serveRouter(commentsRouter(() => toPosts, seen));
    const toComments = testClient({ name: 'comments', baseUrl: `http://127.0.0.1:${comments}` });
    const gateway = await serveProxy(createProxy({ client: toComments }));

    const offered = 200;
    const afterOpen: number[] = [];
    let sent = 0;
    const statuses = new Map<number, number>();
    const loop = async (): Promise<void> => {
      while (sent < offered) {
        sent++;
        const openBefore = toPosts.breakerState().state === 'open';
        const t0 = performance.now();
        const res = await send(gateway.port, { path: '/comments/1' });
        const ms = performance.now() - t0;
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (openBefore) afterOpen.push(ms);
      }
    };
    await Promise.all(Array.from({ length: 2 }, loop));

    expect(statuses.get(503)).toBe(offered);
    // One layer retries: comments saw exactly what the gateway was offered.
    expect(seen.count).toBe(offered);
    // posts: at most what comments was offered plus the retry budget's floor (10/s over 10 s).
    expect(postsConnections).toBeLessThanOrEqual(offered + 100);
    expect(afterOpen.length).toBeGreaterThan(offered / 2);
    afterOpen.sort((a, b) => a - b);
    const p95 = afterOpen[Math.floor(afterOpen.length * 0.95)] as number;
    console.log(`three hops, posts down: ${afterOpen.length} calls after the breaker opened, median ${afterOpen[afterOpen.length >> 1]!.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${afterOpen.at(-1)!.toFixed(1)} ms; posts got ${postsConnections} connections for ${offered} offered`);
    expect(p95).toBeLessThan(100);
  }, 60_000);
});
