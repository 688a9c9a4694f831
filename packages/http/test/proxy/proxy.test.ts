import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createProxy, createRouter, readRawBody, reply, serve } from '../../src/index.ts';
import { createTestService } from '../server/helpers/service.ts';
import { send } from '../server/helpers/http.ts';
import { FakeClock } from '../client/helpers/fake-clock.ts';
import { plainServer, refusedOrigin, serveProxy, testClient, useCleanup } from './helpers.ts';

useCleanup();

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Reads a request body and answers with its size and sha256. */
function digestOf(req: IncomingMessage, res: ServerResponse): void {
  const hash = createHash('sha256');
  let bytes = 0;
  req.on('error', () => res.destroy());
  req.on('data', (c: Buffer) => {
    bytes += c.length;
    hash.update(c);
  });
  req.on('end', () => json(res, 200, { bytes, sha256: hash.digest('hex'), idempotencyKey: req.headers['idempotency-key'] ?? null }));
}

describe('createProxy', () => {
  it('streams a large request body up and the response body back, chunk by chunk', async () => {
    // the upstream echoes: the caller sends its second chunk only once the first came back, which
    // can only happen when the proxy streams both ways (neither side is buffered)
    const up = await plainServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      req.pipe(res);
    });
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'echo', baseUrl: up.url }) }));
    const chunk = Buffer.alloc(256 * 1024, 7);
    const rounds = 16;
    const received = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/echo', agent: false, headers: { 'content-type': 'application/octet-stream' } }, (res) => {
        expect(res.statusCode).toBe(200);
        let got = 0;
        let sent = 1;
        res.on('data', (c: Buffer) => {
          got += c.length;
          if (got >= sent * chunk.length && sent < rounds) {
            sent++;
            if (sent === rounds) r.end(chunk);
            else r.write(chunk);
          }
        });
        res.on('end', () => resolve(got));
        res.on('error', reject);
      });
      r.on('error', reject);
      r.write(chunk); // chunked: streamed, not buffered for retries
      r.flushHeaders();
    });
    expect(received).toBe(rounds * chunk.length);
  });

  it('streams a large body with a declared length, and the upstream receives every byte', async () => {
    const up = await plainServer(digestOf);
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const res = await send(port, { method: 'POST', path: '/upload', headers: { 'content-type': 'application/octet-stream' }, body });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ bytes: body.length, sha256: createHash('sha256').update(body).digest('hex') });
  });

  it('forwards an IPv4 caller of a dual-stack listener as IPv4, not as ::ffff:a.b.c.d', async () => {
    const up = await plainServer((req, res) => {
      req.resume();
      json(res, 200, { ok: true });
    });
    const t = createTestService('proxy-dual-stack');
    // host '::' is what a service listening on every interface gets: IPv4 callers appear IPv4-mapped
    const server = await serve(t.service, createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }), { port: 0, host: '::' });
    try {
      expect((await send(server.port, { path: '/x', headers: { 'x-forwarded-for': '198.51.100.1' } })).status).toBe(200);
      const seen = up.requests.at(-1)!;
      expect(seen.headers['x-forwarded-for']).toBe('198.51.100.1, 127.0.0.1');
      expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
    } finally {
      await server.close();
    }
  });

  it('strips hop-by-hop headers both ways and sets forwarded headers; the request id goes upstream', async () => {
    const up = await plainServer((req, res) => {
      req.resume();
      json(res, 200, { ok: true }, { connection: 'x-up-hop', 'x-up-hop': 'secret', 'x-upstream': 'yes', 'keep-alive': 'timeout=5' });
    });
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
    const res = await send(port, {
      path: '/a/b?c=1',
      headers: {
        connection: 'x-hop',
        'x-hop': 'drop me',
        'proxy-authorization': 'Basic abc',
        te: 'trailers',
        'x-forwarded-for': '198.51.100.1',
        'x-real-ip': '203.0.113.9',
        'x-request-id': 'req-proxy-1',
        authorization: 'Bearer t',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-upstream']).toBe('yes');
    expect(res.headers['x-up-hop']).toBeUndefined();
    expect(res.headers['x-request-id']).toBe('req-proxy-1');
    const seen = up.requests.at(-1)!;
    expect(seen.url).toBe('/a/b?c=1');
    expect(seen.headers['x-hop']).toBeUndefined();
    expect(seen.headers['proxy-authorization']).toBeUndefined();
    expect(seen.headers.te).toBeUndefined();
    expect(seen.headers.authorization).toBe('Bearer t');
    expect(seen.headers['x-forwarded-for']).toBe('198.51.100.1, 127.0.0.1');
    expect(seen.headers['x-real-ip']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers['x-forwarded-host']).toBe(`127.0.0.1:${port}`);
    expect(seen.headers['x-request-id']).toBe('req-proxy-1');
  });

  it('passes upstream problem responses through as they are', async () => {
    const up = await plainServer((req, res) => {
      req.resume();
      res.writeHead(409, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' });
      res.end(JSON.stringify({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'taken' }));
    });
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
    const res = await send(port, { method: 'POST', path: '/users', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.json()).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'taken' });
  });

  it('passes an early 413 from the upstream through while the upload streams (not a 503)', async () => {
    const router = createRouter().post('/images', {}, async ({ req, res }) => {
      const bytes = await readRawBody(req, res, { limit: 1024, discardLimit: 256 * 1024 });
      return reply(202, { bytes: bytes.length });
    });
    const up = await plainServer(router.listener);
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'images', baseUrl: up.url }) }));
    // 2 KiB: buffered by the proxy; 128 KiB: streamed, drained by the upstream before its 413;
    // 2 MiB: past the upstream's discard limit, refused at once and the connection closed (a
    // lingering close, so no TCP reset swallows the 413), while the proxy still streams the upload
    for (const size of [2 * 1024, 128 * 1024, 2 * 1024 * 1024, 2 * 1024 * 1024, 2 * 1024 * 1024]) {
      const res = await send(port, { method: 'POST', path: '/images', headers: { 'content-type': 'image/png' }, body: Buffer.alloc(size, 1) });
      expect(res.status, `${size} bytes`).toBe(413);
      expect(res.headers['content-type']).toBe('application/problem+json');
    }
    // the proxy's pool is still usable afterwards
    const ok = await send(port, { method: 'POST', path: '/images', headers: { 'content-type': 'image/png' }, body: Buffer.alloc(100, 1) });
    expect(ok.status).toBe(202);
  });

  it('answers 503 at once, without calling the upstream, once the breaker is open', async () => {
    const up = await plainServer((req, res) => {
      req.resume();
      json(res, 500, { error: 'boom' });
    });
    const client = testClient({ name: 'posts', baseUrl: up.url, clock: new FakeClock(), retry: false, breaker: { minimumVolume: 5 } });
    for (let i = 0; i < 5; i++) await client.get('/x').then((r) => r.dump(), () => undefined);
    expect(client.breakerState().state).toBe('open');
    const { port } = await serveProxy(createProxy({ client }));
    const hits = up.requests.length;
    const res = await send(port, { path: '/posts/1' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.json()).toMatchObject({ status: 503, detail: expect.stringContaining('posts is unavailable (circuit open)') });
    expect(up.requests.length).toBe(hits);
  });

  it('answers 503 when the upstream refuses connections, and logs why', async () => {
    const warnings: object[] = [];
    const client = testClient({ name: 'comments', baseUrl: await refusedOrigin(), retry: false });
    const { port } = await serveProxy(createProxy({ client, logger: { warn: (o) => warnings.push(o) } }));
    const res = await send(port, { method: 'POST', path: '/c', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(res.status).toBe(503);
    expect(res.json()).toMatchObject({ status: 503, detail: 'comments is unavailable; try again shortly' });
    expect(warnings).toEqual([expect.objectContaining({ upstream: 'comments', reason: 'connection failed', method: 'POST' })]);
  });

  it('answers 504 when the upstream does not answer in time, and 502 for a broken answer', async () => {
    const up = await plainServer((req, res) => {
      req.resume();
      if (req.url === '/broken') {
        // headers promised a body that never comes: the response is cut before the headers
        req.socket.end('HTTP/1.1 200 OK\r\nbroken header\r\n\r\n');
      }
      // otherwise: never answer
      void res;
    });
    const client = testClient({ name: 'slow', baseUrl: up.url, retry: false, timeouts: { headersMs: 200, deadlineMs: 5000 } });
    const { port } = await serveProxy(createProxy({ client }));
    const slow = await send(port, { path: '/hang' });
    expect(slow.status).toBe(504);
    expect(slow.json()).toMatchObject({ status: 504, detail: 'slow did not answer in time' });
    const broken = await send(port, { path: '/broken' });
    expect(broken.status).toBe(502);
    expect(broken.json()).toMatchObject({ status: 502, detail: 'slow failed' });
  });

  it('retries a small POST after a connection reset, with the same Idempotency-Key and body', async () => {
    const up = await plainServer((req, res) => {
      if (up.requests.length === 1) {
        req.socket.destroy();
        return;
      }
      digestOf(req, res);
    });
    const client = testClient({ name: 'posts', baseUrl: up.url, retry: { maxAttempts: 3 } });
    const { port } = await serveProxy(createProxy({ client, idempotencyKeys: true }));
    const body = '{"title":"hello"}';
    const res = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const answer = res.json() as { bytes: number; idempotencyKey: string };
    expect(answer.bytes).toBe(body.length);
    expect(up.requests).toHaveLength(2);
    expect(answer.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
    expect(up.requests[0]!.headers['idempotency-key']).toBe(answer.idempotencyKey);
    // a key the caller sent is kept
    const own = await send(port, { method: 'POST', path: '/posts', headers: { 'content-type': 'application/json', 'idempotency-key': 'mine' }, body });
    expect((own.json() as { idempotencyKey: string }).idempotencyKey).toBe('mine');
  });

  it('survives callers that go away before or while the upstream answers, and releases the upstream', async () => {
    const upstreamClosed: Promise<unknown>[] = [];
    const up = await plainServer((req, res) => {
      req.resume();
      upstreamClosed.push(new Promise((resolve) => res.once('close', resolve)));
      if (req.url === '/slow-stream') {
        // an endless stream: only the proxy giving up on it ends it
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        const chunk = Buffer.alloc(64 * 1024, 1);
        const write = (): void => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', write);
        };
        write();
        return;
      }
      json(res, 200, { ok: true });
    });
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
    const { connect } = await import('node:net');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const path = i % 2 === 0 ? '/slow-stream' : '/x';
        return new Promise<void>((resolve) => {
          const socket = connect(port, '127.0.0.1', () => {
            socket.end(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`, () => socket.destroy());
          });
          socket.on('close', () => resolve());
          socket.on('error', () => resolve());
        });
      }),
    );
    // a caller that reads part of an endless stream and hangs up mid-body
    await new Promise<void>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, path: '/slow-stream', agent: false }, (res) => {
        res.once('data', () => {
          r.destroy();
          resolve();
        });
      });
      r.on('error', (err) => (r.destroyed ? undefined : reject(err)));
      r.end();
    });
    const still = await send(port, { path: '/still-alive' });
    expect(still.status).toBe(200);
    // every upstream response the proxy received was finished or released (no stream left open)
    await Promise.all(upstreamClosed);
  });

  it('survives a caller that aborts mid-upload, and aborts the upstream request', async () => {
    const aborted: Promise<unknown>[] = [];
    const up = await plainServer((req, res) => {
      aborted.push(new Promise((resolve) => req.once('close', resolve)));
      digestOf(req, res);
    });
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
    await new Promise<void>((resolve) => {
      const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/upload', agent: false, headers: { 'content-type': 'application/octet-stream' } });
      r.on('error', () => resolve());
      r.write(Buffer.alloc(256 * 1024, 1));
      r.flushHeaders();
      void (async () => {
        while (up.requests.length === 0) await once(up.server, 'request');
        r.destroy();
        resolve();
      })();
    });
    await Promise.all(aborted);
    const still = await send(port, { method: 'POST', path: '/upload', body: 'ok' });
    expect(still.status).toBe(200);
  });
});
