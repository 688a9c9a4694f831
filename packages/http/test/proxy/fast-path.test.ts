import { once } from 'node:events';
import { request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpOptionsError, createProxy } from '../../src/index.ts';
import type { HttpClient, RequestOptions } from '../../src/index.ts';
import { plainServer, serveProxy, testClient, useCleanup } from './helpers.ts';

useCleanup();

/** Every byte value, repeated: a body that a text conversion anywhere on the path would change. */
function binary(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + 3) % 256;
  return b;
}

interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** GET through the proxy, the body as bytes. */
function get(port: number, path = '/'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

/**
 * An upstream that sends `first`, then the rest only once `release` resolves; the test resolves
 * it from the caller's side when the first bytes came through the proxy. A proxy that buffered
 * this body would never pass the first bytes on: the test would time out.
 */
async function twoPartUpstream(headers: Record<string, string | number>, first: Buffer, rest: Buffer, release: Promise<void>) {
  let restSent = false;
  const up = await plainServer((_req, res) => {
    res.writeHead(200, headers);
    res.write(first);
    void release.then(() => {
      restSent = true;
      res.end(rest);
    });
  });
  return { up, restSent: () => restSent };
}

/** GETs and resolves `firstBytes` when the first bytes arrive, before the body ends. */
function getStreaming(port: number, onFirst: () => void): Promise<{ res: IncomingMessage; body: Buffer; sawFirstEarly: boolean }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let first = true;
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        if (first) {
          first = false;
          onFirst();
        }
      });
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks), sawFirstEarly: !first }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

describe('createProxy small-body fast path', () => {
  it('forwards a small body (declared length) intact, with the upstream headers, hop-by-hop ones dropped', async () => {
    for (const size of [0, 1, 1000, 20 * 1024, 64 * 1024]) {
      const body = binary(size);
      const up = await plainServer((_req, res) => {
        res.writeHead(201, [
          'content-type', 'application/octet-stream',
          'content-length', String(size),
          'etag', '"v1"',
          'set-cookie', 'a=1',
          'set-cookie', 'b=2',
          'x-request-id', 'from-upstream',
          'keep-alive', 'timeout=5',
          'connection', 'keep-alive, x-secret-hop',
          'x-secret-hop', 'dropped',
        ]);
        res.end(body);
      });
      const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
      const res = await get(port, '/things?x=1');
      expect(res.status).toBe(201);
      expect(res.body.equals(body)).toBe(true);
      expect(res.headers['content-length']).toBe(String(size));
      expect(res.headers['transfer-encoding']).toBeUndefined();
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers.etag).toBe('"v1"');
      expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
      expect(res.headers['keep-alive']).not.toBe('timeout=5');
      expect(res.headers['x-secret-hop']).toBeUndefined();
      // the proxy's own server echoes its request id, not the upstream's
      expect(res.headers['x-request-id']).not.toBe('from-upstream');
    }
  });

  it('waits for the whole small body: an upstream that fails before its end gets a 502 problem, not a cut answer', async () => {
    const up = await plainServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
      res.write('{"partial":', () => res.socket?.destroy());
    });
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url, retry: { maxAttempts: 1 } }) }));
    const res = await get(port);
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(res.body.toString())).toMatchObject({ status: 502, detail: 'up failed mid-response' });
    expect(res.body.toString()).not.toContain('partial');
  });

  it('streams a body above the threshold: the caller gets the first bytes before the upstream sends the last', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const first = binary(4096);
    const rest = binary(8192);
    const { up, restSent } = await twoPartUpstream({ 'content-type': 'application/octet-stream', 'content-length': first.length + rest.length }, first, rest, released);
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }), responseBufferBytes: 8192 }));
    const got = await getStreaming(port, () => {
      expect(restSent()).toBe(false);
      release();
    });
    expect(got.sawFirstEarly).toBe(true);
    expect(got.res.headers['content-length']).toBe(String(first.length + rest.length));
    expect(got.body.equals(Buffer.concat([first, rest]))).toBe(true);
  });

  it('streams a chunked body (no content-length), however small', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const { up, restSent } = await twoPartUpstream({ 'content-type': 'text/plain' }, Buffer.from('hello '), Buffer.from('world'), released);
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
    const got = await getStreaming(port, () => {
      expect(restSent()).toBe(false);
      release();
    });
    expect(got.res.headers['transfer-encoding']).toBe('chunked');
    expect(got.body.toString()).toBe('hello world');
  });

  it('streams every body with responseBufferBytes: 0', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const { up, restSent } = await twoPartUpstream({ 'content-length': 10 }, Buffer.from('01234'), Buffer.from('56789'), released);
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }), responseBufferBytes: 0 }));
    const got = await getStreaming(port, () => {
      expect(restSent()).toBe(false);
      release();
    });
    expect(got.body.toString()).toBe('0123456789');
  });

  it('releases the upstream when the caller goes away while a small body is collected, and keeps serving', async () => {
    const upstreamClosed: Promise<unknown>[] = [];
    let first = true;
    const up = await plainServer((_req, res: ServerResponse) => {
      if (!first) {
        res.writeHead(200, { 'content-length': 2 }).end('ok');
        return;
      }
      first = false;
      upstreamClosed.push(once(res, 'close'));
      res.writeHead(200, { 'content-length': 1000 });
      res.write('x'.repeat(10), () => caller.destroy()); // the rest never comes
    });
    const { port } = await serveProxy(createProxy({ client: testClient({ name: 'up', baseUrl: up.url }) }));
    const caller = request({ host: '127.0.0.1', port, path: '/', agent: false });
    caller.on('error', () => undefined);
    caller.end();
    await new Promise((resolve) => caller.once('close', resolve)); // once() would reject on its hang-up error
    await upstreamClosed[0];
    const res = await get(port);
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('ok');
  });

  it('hands another HttpClient implementation a real AbortSignal', async () => {
    const up = await plainServer((_req, res) => res.writeHead(200, { 'content-length': 2 }).end('ok'));
    const inner = testClient({ name: 'up', baseUrl: up.url });
    const signals: unknown[] = [];
    const wrapped: HttpClient = {
      ...inner,
      name: 'wrapped',
      request: (o: RequestOptions) => {
        signals.push(o.signal);
        return inner.request(o);
      },
    };
    const { port } = await serveProxy(createProxy({ client: wrapped }));
    const res = await get(port);
    expect(res.body.toString()).toBe('ok');
    expect(signals[0]).toBeInstanceOf(AbortSignal);
  });

  it('rejects a negative or fractional buffer size', () => {
    const client = testClient({ name: 'up', baseUrl: 'http://127.0.0.1:1' });
    expect(() => createProxy({ client, responseBufferBytes: -1 })).toThrow(HttpOptionsError);
    expect(() => createProxy({ client, retryBufferBytes: 1.5 })).toThrow(/retryBufferBytes/);
    expect(() => createProxy({ client, responseBufferBytes: Infinity })).not.toThrow();
  });
});
