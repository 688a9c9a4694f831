import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, createKeyedClient, createProxy } from '../../src/index.ts';
import { onCleanup, plainServer, serveProxy, testClient, useCleanup } from '../proxy/helpers.ts';
import { send } from '../server/helpers/http.ts';

useCleanup();

/** A replica that can be killed: listening stops and every open connection is destroyed. */
async function replica(): Promise<{ url: string; hits: () => number; kill: () => Promise<void> }> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    hits++;
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  let killed = false;
  const kill = async (): Promise<void> => {
    if (killed) return;
    killed = true;
    const closed = once(server, 'close');
    server.close();
    for (const s of sockets) s.destroy();
    await closed;
  };
  onCleanup(kill);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, kill };
}

describe('replica failover', () => {
  it('kill one of two replicas under steady load: no call fails, the dead one is ejected', async () => {
    const a = await replica();
    const b = await replica();
    const registry = new Registry();
    const client = testClient({ name: 'replicas', origins: [a.url, b.url], registry });
    const total = 1200;
    const killAt = 300;
    let started = 0;
    let failed = 0;
    const errors: string[] = [];
    let hitsAtKill = 0;
    const loop = async (): Promise<void> => {
      while (started < total) {
        const n = ++started;
        if (n === killAt) {
          hitsAtKill = b.hits();
          void b.kill();
        }
        const method = n % 3 === 0 ? 'POST' : 'GET';
        try {
          // A write in flight on the killed replica may have reached it: only a keyed one is retried.
          const headers = method === 'POST' ? { 'idempotency-key': `k${n}` } : undefined;
          await (await client.request({ method, path: '/x', headers, body: method === 'POST' ? '{}' : undefined })).dump();
        } catch (err) {
          failed++;
          errors.push(String(err));
        }
      }
    };
    await Promise.all(Array.from({ length: 4 }, loop));
    expect(errors.slice(0, 3)).toEqual([]);
    expect(failed).toBe(0);
    expect(hitsAtKill).toBeGreaterThan(0);
    const retries = await registry.getSingleMetricAsString('http_client_retries_total');
    expect(retries).toMatch(/reason="failover"/);
  }, 60_000);

  it('never ejects every origin: with all refusing, each is still tried and the call fails as a connection error', async () => {
    const a = await replica();
    const b = await replica();
    await a.kill();
    await b.kill();
    const client = testClient({ name: 'gone', origins: [a.url, b.url], retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    for (let i = 0; i < 3; i++) await expect(client.get('/x')).rejects.toMatchObject({ code: 'ERR_PODKIT_HTTP_CONNECTION', causeCode: 'ECONNREFUSED' });
  });
});

describe('clients for arbitrary hosts', () => {
  it('an absolute URL given to a client with a base URL is an error naming both (never sent as a path)', async () => {
    const up = await plainServer((_req, res) => res.end('{}'));
    const client = testClient({ name: 'posts', baseUrl: `${up.url}/api` });
    for (const path of ['http://other-host/x', 'https://user:pw@other-host/x?token=s3cret', 'HTTP://other-host']) {
      const err = await client.get(path).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      const message = (err as Error).message;
      expect(message).toContain('other-host');
      expect(message).toContain(`${up.url}/api`);
      expect(message).not.toContain('s3cret');
      expect(message).not.toContain('pw@');
    }
    expect(up.requests).toHaveLength(0);
    // a path that merely starts with // stays a path below the base URL
    await (await client.get('//double')).dump();
    expect(up.requests[0]?.url).toBe('/api//double');
  });

  it('the proxy answers an absolute-form request target with a 400 problem, never sending it on', async () => {
    const up = await plainServer((_req, res) => res.end('{}'));
    const proxy = await serveProxy(createProxy({ client: testClient({ name: 'posts', baseUrl: up.url }) }));
    const res = await send(proxy.port, { path: 'http://other-host/x' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(up.requests).toHaveLength(0);
  });

  it('the keyed client makes a client per origin, evicts and closes the least recently used, closes all on close()', async () => {
    const servers = await Promise.all([0, 1, 2].map(() => plainServer((req, res) => res.end(JSON.stringify({ path: req.url })))));
    const registry = new Registry();
    const keyed = createKeyedClient({ name: 'hooks', maxOrigins: 2, maxOriginLabels: 1, registry, breaker: { minimumVolume: 2 } });
    onCleanup(() => keyed.close());
    const [s0, s1, s2] = servers as [(typeof servers)[0], (typeof servers)[0], (typeof servers)[0]];
    expect(await (await keyed.get(`${s0.url}/a?x=1`)).json()).toEqual({ path: '/a?x=1' });
    await (await keyed.get(`${s1.url}/b`)).dump();
    await (await keyed.get(`${s0.url}/c`)).dump(); // s0 used most recently
    expect(keyed.origins()).toEqual([s1.url, s0.url]);
    const s1Sockets = once(s1.server, 'connection');
    void s1Sockets;
    await (await keyed.get(`${s2.url}/d`)).dump(); // evicts s1
    expect(keyed.origins()).toEqual([s0.url, s2.url]);
    // the evicted origin's pool is closed: its idle keep-alive connection goes away
    await waitFor(async () => (await connections(s1.server)) === 0);
    // the breaker metrics carry at most maxOriginLabels origins, the rest as `other`
    const gauge = await registry.getSingleMetricAsString('http_client_breaker_state');
    expect(gauge).toContain(`origin="${s0.url}"`);
    expect(gauge).toContain('origin="other"');
    expect(gauge).not.toContain(`origin="${s2.url}"`);
    await expect(keyed.get('ftp://x/y')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(keyed.get('not a url')).rejects.toBeInstanceOf(InvalidRequestError);
    await keyed.close();
    await waitFor(async () => (await connections(s0.server)) === 0 && (await connections(s2.server)) === 0);
    await expect(keyed.get(`${s0.url}/e`)).rejects.toMatchObject({ causeCode: 'CLIENT_CLOSED' });
  });
});

function connections(server: Server): Promise<number> {
  return new Promise((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
}

/** Polls `ok` on a bounded loop (no fixed sleep), each turn after the event loop ran. */
async function waitFor(ok: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await ok()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not met');
}
