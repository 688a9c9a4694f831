import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { ResponseBodyUsedError } from '../../src/index.ts';
import { BufferedResponse } from '../../src/client/response.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';

useCleanup();

/** Resolves when `socket` closes (an abort resets it: its ECONNRESET is expected). */
const closeOf = (socket: Socket): Promise<void> =>
  new Promise((resolve) => {
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Writes `body` in 16 KiB chunks, honouring backpressure. */
async function writeChunked(res: ServerResponse, body: Buffer): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
  for (let at = 0; at < body.length; at += 16 * 1024) {
    if (!res.write(body.subarray(at, at + 16 * 1024))) await once(res, 'drain');
  }
  res.end();
}

describe('response bodies', () => {
  it('reads a multi-megabyte body intact with bytes(), text() and the body stream', async () => {
    const u = await upstream();
    const payload = randomBytes(3 * 1024 * 1024);
    u.handler = (_req, res) => void writeChunked(res, payload);
    const c = client({ name: 'up', baseUrl: u.url });
    expect(sha(await (await c.get('/')).bytes())).toBe(sha(payload));
    expect(await (await c.get('/')).text()).toBe(payload.toString('utf8'));
    const streamed: Buffer[] = [];
    await pipeline((await c.get('/')).body, new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        streamed.push(chunk);
        setImmediate(cb); // a slow consumer: the stream's backpressure reaches the socket
      },
    }));
    expect(sha(Buffer.concat(streamed))).toBe(sha(payload));
  });

  it('rejects a second read with ResponseBodyUsedError', async () => {
    const u = await upstream();
    const c = client({ name: 'up', baseUrl: u.url });
    const res = await c.get('/');
    expect(await res.json()).toEqual({ ok: true });
    await expect(res.text()).rejects.toBeInstanceOf(ResponseBodyUsedError);
    await expect(res.text()).rejects.toMatchObject({ code: 'ERR_PODKIT_HTTP_BODY_USED' });
    const [err] = (await once(res.body, 'error')) as [Error];
    expect(err).toBeInstanceOf(ResponseBodyUsedError);
  });

  it('drops a UTF-8 byte-order mark from text() and json()', async () => {
    const u = await upstream();
    u.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]));
    };
    const c = client({ name: 'up', baseUrl: u.url });
    expect(await (await c.get('/')).text()).toBe('{"a":1}');
    expect(await (await c.get('/')).json()).toEqual({ a: 1 });
  });

  it('dump() of a short body keeps its connection open for later calls', async () => {
    const u = await upstream();
    let connections = 0;
    u.server.on('connection', () => connections++);
    const c = client({ name: 'up', baseUrl: u.url });
    for (let i = 0; i < 10; i++) await (await c.get('/')).dump();
    expect(u.hits).toBe(10);
    // undici opens a second connection when a call starts before the pool has marked the first
    // free again; none is closed, and they are reused.
    expect(connections).toBeLessThanOrEqual(2);
    expect(u.openSockets).toBe(connections);
  });

  it('dump() of a body longer than its limit closes the connection instead of reading it all', async () => {
    const u = await upstream();
    const closed: Promise<unknown>[] = [];
    u.handler = (req, res) => {
      closed.push(closeOf(req.socket));
      void writeChunked(res, randomBytes(4 * 1024 * 1024)).catch(() => undefined);
    };
    const c = client({ name: 'up', baseUrl: u.url });
    await (await c.get('/')).dump(64 * 1024);
    await closed[0];
    expect(u.hits).toBe(1);
  });

  it('destroying the body stream mid-way aborts the response and its connection', async () => {
    const u = await upstream();
    let socketClosed: Promise<unknown> | undefined;
    u.handler = (req, res) => {
      socketClosed = closeOf(req.socket);
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk'); // and never ends
    };
    const c = client({ name: 'up', baseUrl: u.url });
    const res = await c.get('/');
    const [chunk] = (await once(res.body, 'data')) as [Buffer];
    expect(chunk.toString()).toBe('first chunk');
    res.body.destroy();
    await socketClosed;
  });

  it('a connection reset mid-body rejects the read', async () => {
    const u = await upstream();
    u.handler = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100000' });
      res.write('partial', () => req.socket.destroy());
    };
    const c = client({ name: 'up', baseUrl: u.url });
    const res = await c.get('/');
    await expect(res.text()).rejects.toThrow();
  });
});

/** Records what a response asks of undici's dispatch controller. */
function recordingController(): Dispatcher.DispatchController & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    aborted: false,
    paused: false,
    reason: null,
    abort: (reason: Error) => calls.push(`abort:${reason.message}`),
    pause: () => calls.push('pause'),
    resume: () => calls.push('resume'),
  };
}

describe('BufferedResponse backpressure', () => {
  it('pauses the socket at 64 KiB while nobody reads, resumes for a reader, and loses nothing', async () => {
    const controller = recordingController();
    const res = new BufferedResponse(200, {}, 'http://up', controller);
    const chunk = Buffer.alloc(16 * 1024, 'a');
    for (let i = 0; i < 3; i++) res.onData(chunk);
    expect(controller.calls).toEqual([]);
    res.onData(chunk);
    expect(controller.calls).toEqual(['pause']);
    res.onData(chunk); // bytes already on their way still arrive; still paused once
    expect(controller.calls).toEqual(['pause']);
    const text = res.text();
    expect(controller.calls).toEqual(['pause', 'resume']);
    res.onData(Buffer.from('end'));
    res.onEnd();
    expect(await text).toBe('a'.repeat(5 * 16 * 1024) + 'end');
  });

  it('hands buffered bytes to a body stream created later, then streams with backpressure', async () => {
    const controller = recordingController();
    const res = new BufferedResponse(200, {}, 'http://up', controller);
    res.onData(Buffer.from('one,'));
    const stream = res.body;
    res.onData(Buffer.from('two'));
    res.onEnd();
    const parts: string[] = [];
    for await (const part of stream) parts.push(String(part));
    expect(parts.join('')).toBe('one,two');
  });

  it('reading body while text() is pending gives a failing stream and leaves the read alone', async () => {
    const controller = recordingController();
    const res = new BufferedResponse(200, {}, 'http://up', controller);
    const text = res.text();
    const [err] = (await once(res.body, 'error')) as [Error];
    expect(err).toBeInstanceOf(ResponseBodyUsedError);
    res.onData(Buffer.from('still here'));
    res.onEnd();
    expect(await text).toBe('still here');
    expect(controller.calls).toEqual([]);
  });

  it('a snippet keeps the first bytes and aborts a body longer than 64 KiB', async () => {
    const controller = recordingController();
    const res = new BufferedResponse(503, {}, 'http://up', controller);
    const snippet = res.snippet(5);
    res.onData(Buffer.from('hello world'));
    expect(controller.calls).toEqual([]);
    res.onData(Buffer.alloc(64 * 1024));
    expect(controller.calls).toEqual(['abort:response body discarded']);
    res.onError(new Error('aborted'));
    expect(await snippet).toBe('hello');
  });
});
