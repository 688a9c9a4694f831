import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient, type HttpClient } from '@podkit/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatewayListener, UPSTREAMS, type UpstreamName } from '../../src/gateway/app.ts';
import { call, listen, quietLogger, type TestServer } from '../helpers/http.ts';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
}

describe('gateway', () => {
  const seen: Seen[] = [];
  let upstream: TestServer;
  let gateway: TestServer;
  let clients: Record<UpstreamName, HttpClient>;
  let web: string;

  beforeAll(async () => {
    upstream = await listen((req, res) => {
      let bytes = 0;
      req.on('data', (c: Buffer) => (bytes += c.length));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, bytes });
        if (req.url!.startsWith('/api/auth/me')) {
          res.writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer' });
          res.end(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401 }));
          return;
        }
        if (req.url!.startsWith('/api/images/big')) {
          res.writeHead(200, { 'content-type': 'application/octet-stream' });
          let left = 64;
          const chunk = Buffer.alloc(64 * 1024, 7);
          const write = (): void => {
            while (left > 0) {
              left--;
              if (!res.write(chunk)) return void res.once('drain', write);
            }
            res.end();
          };
          write();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'yes', connection: 'keep-alive' });
        res.end(JSON.stringify({ url: req.url, bytes }));
      });
    });
    clients = Object.fromEntries(UPSTREAMS.map((n) => [n, createClient({ name: n, baseUrl: upstream.url })])) as Record<UpstreamName, HttpClient>;
    web = mkdtempSync(path.join(tmpdir(), 'podkit-web-'));
    mkdirSync(path.join(web, 'assets'));
    writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>blog</title>');
    writeFileSync(path.join(web, 'assets', 'app-1234abcd.js'), 'console.log(1)');
    gateway = await listen(createGatewayListener({ clients, logger: quietLogger(), webDir: web }));
  });
  afterAll(async () => {
    await gateway.close();
    await upstream.close();
    await Promise.all(Object.values(clients).map((c) => c.close()));
    rmSync(web, { recursive: true, force: true });
  });

  it('routes /api/<service> unchanged with forwarding headers, and passes upstream problems through', async () => {
    const res = await call(`${gateway.url}/api/posts/abc?limit=2`, 'GET', { headers: { 'x-request-id': 'req-123', 'x-forwarded-for': '198.51.100.1' } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ url: '/api/posts/abc?limit=2', bytes: 0 });
    expect(res.headers.get('x-upstream')).toBe('yes');
    const s = seen.at(-1)!;
    expect(s.headers['x-forwarded-for']).toBe('198.51.100.1, 127.0.0.1');
    expect(s.headers['x-real-ip']).toBe('127.0.0.1');
    expect(s.headers['x-forwarded-host']).toMatch(/^127\.0\.0\.1:/);

    const me = await call(`${gateway.url}/api/auth/me`, 'GET', { token: 'x.y.z' });
    expect(me.status).toBe(401);
    expect(me.headers.get('www-authenticate')).toBe('Bearer');
    expect(me.body).toMatchObject({ status: 401 });
    expect(seen.at(-1)!.headers.authorization).toBe('Bearer x.y.z');
  });

  it('streams request and response bodies', async () => {
    const upload = new Uint8Array(3 * 1024 * 1024).fill(1);
    const res = await call(`${gateway.url}/api/images`, 'POST', { body: upload, headers: { 'content-type': 'image/png' } });
    expect(res.body).toMatchObject({ bytes: upload.length });
    const big = await fetch(`${gateway.url}/api/images/big`);
    expect((await big.arrayBuffer()).byteLength).toBe(64 * 64 * 1024);
  });

  it('survives clients that go away before the upstream answers', async () => {
    // raw sockets that send a request and close at once, before the upstream's answer arrives
    const { connect } = await import('node:net');
    const port = new URL(gateway.url).port;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const path = i % 2 === 0 ? '/api/images/big' : '/api/posts/x';
        return new Promise<void>((resolve) => {
          const socket = connect(Number(port), '127.0.0.1', () => {
            socket.end(`GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`, () => socket.destroy());
          });
          socket.on('close', () => resolve());
          socket.on('error', () => resolve());
        });
      }),
    );
    const res = await call(`${gateway.url}/api/posts/still-alive`, 'GET');
    expect(res.status).toBe(200);
  });

  it('answers unknown API paths with a 404 problem and does not match prefixes loosely', async () => {
    for (const p of ['/api/nope', '/api/postsx', '/api/']) {
      const res = await call(`${gateway.url}${p}`, 'GET');
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('serves the front end: hashed assets immutable, SPA fallback, no escape from the directory', async () => {
    const asset = await fetch(`${gateway.url}/assets/app-1234abcd.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    const route = await fetch(`${gateway.url}/posts/123`);
    expect(route.status).toBe(200);
    expect(route.headers.get('cache-control')).toBe('no-cache');
    expect(await route.text()).toContain('<title>blog</title>');
    expect((await fetch(`${gateway.url}/assets/missing.js`)).status).toBe(404);
    const escape = await fetch(`${gateway.url}/..%2f..%2f..%2f..%2fetc%2fpasswd`);
    expect(await escape.text()).not.toContain('root:');
    expect((await fetch(`${gateway.url}/..%2f..%2f..%2f..%2fetc%2fhostname.txt`)).status).toBe(404);
    expect((await fetch(`${gateway.url}/`, { method: 'POST' })).status).toBe(405);
  });
});
