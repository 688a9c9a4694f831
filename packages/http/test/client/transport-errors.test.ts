import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ClientTimeoutError,
  ConnectionError,
  InvalidRequestError,
  InvalidResponseError,
  RequestAbortedError,
  isPodkitHttpError,
} from '../../src/index.ts';
import type { ClientOptions, ClientResponse, HttpClient } from '../../src/index.ts';
import { useProcessErrors } from './helpers/process-errors.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { hang, refusedOrigin, silentListener } from './helpers/upstream.ts';
import type { Upstream } from './helpers/upstream.ts';

useCleanup();
const processErrors = useProcessErrors();

const base = (baseUrl: string, extra: Partial<ClientOptions> = {}): ClientOptions => ({ name: 'up', baseUrl, breaker: false, retry: false, ...extra });

async function failureOf(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => new Error('the call did not fail'),
    (e: unknown) => e,
  );
}

/** Asserts `err` is a podkit error of `cls` with `code`, and matches `fields`. */
function expectTyped(err: unknown, cls: abstract new (...args: never[]) => Error, code: string, fields: Record<string, unknown> = {}): void {
  expect(isPodkitHttpError(err), String(err)).toBe(true);
  expect(err).toBeInstanceOf(cls);
  expect(err).toMatchObject({ code, ...fields });
}

describe('every undici failure of a call is a documented podkit error', () => {
  it('connection refused → ConnectionError ECONNREFUSED', async () => {
    const c = client(base(await refusedOrigin()));
    expectTyped(await failureOf(c.get('/x')), ConnectionError, 'ERR_PODKIT_HTTP_CONNECTION', { causeCode: 'ECONNREFUSED' });
  });

  it('connect timeout (a TLS handshake that never completes) → ClientTimeoutError connect', async () => {
    const silent = await silentListener();
    try {
      const c = client(base(silent.httpsUrl, { timeouts: { connectMs: 100 } }));
      expectTyped(await failureOf(c.get('/x')), ClientTimeoutError, 'ERR_PODKIT_HTTP_TIMEOUT', { kind: 'connect', timeoutMs: 100 });
    } finally {
      await silent.stop();
    }
  });

  it('headers timeout → ClientTimeoutError headers', async () => {
    const u = await upstream();
    u.handler = hang;
    const c = client(base(u.url, { timeouts: { headersMs: 100 } }));
    expectTyped(await failureOf(c.get('/x')), ClientTimeoutError, 'ERR_PODKIT_HTTP_TIMEOUT', { kind: 'headers', timeoutMs: 100 });
  });

  it('a reset before the head → ConnectionError ECONNRESET; a socket closed by the upstream → ConnectionError UND_ERR_SOCKET', async () => {
    const u = await upstream();
    u.handler = (req) => (req.url === '/reset' ? req.socket.resetAndDestroy() : req.socket.end());
    const c = client(base(u.url));
    expectTyped(await failureOf(c.get('/reset')), ConnectionError, 'ERR_PODKIT_HTTP_CONNECTION', { causeCode: 'ECONNRESET' });
    expectTyped(await failureOf(c.get('/closed')), ConnectionError, 'ERR_PODKIT_HTTP_CONNECTION', { causeCode: 'UND_ERR_SOCKET' });
  });

  it('a malformed answer → InvalidResponseError', async () => {
    const u = await upstream();
    u.handler = (req) => req.socket.end('HTTP/1.1 200 OK\r\nbroken header\r\n\r\n');
    const c = client(base(u.url));
    const err = await failureOf(c.get('/x'));
    expectTyped(err, InvalidResponseError, 'ERR_PODKIT_HTTP_INVALID_RESPONSE', { path: '' });
    expect((err as Error).cause).toMatchObject({ name: 'HTTPParserError' });
  });

  it('the caller aborts → RequestAbortedError', async () => {
    const u = await upstream();
    u.handler = hang;
    const c = client(base(u.url));
    const ac = new AbortController();
    const call = failureOf(c.get('/x', { signal: ac.signal }));
    await u.waitForHits(1);
    ac.abort();
    expectTyped(await call, RequestAbortedError, 'ERR_PODKIT_HTTP_ABORTED');
  });

  it('a request undici refuses, or whose query or json cannot be encoded → InvalidRequestError', async () => {
    const u = await upstream();
    const c = client(base(u.url));
    const header = await failureOf(c.get('/x', { headers: { 'x-bad': 'a\r\nb' } }));
    expectTyped(header, InvalidRequestError, 'ERR_PODKIT_HTTP_INVALID_REQUEST');
    expect((header as Error).message).toContain('x-bad');
    expect((header as Error).message).not.toContain('a\r\nb');
    expectTyped(await failureOf(c.get('/x', { query: { q: '\uD800' } })), InvalidRequestError, 'ERR_PODKIT_HTTP_INVALID_REQUEST');
    expectTyped(await failureOf(c.post('/x', { json: { n: 1n } })), InvalidRequestError, 'ERR_PODKIT_HTTP_INVALID_REQUEST');
    expect(u.hits).toBe(0);
  });

  it('a request body stream that fails mid-upload → InvalidRequestError with the stream error as cause', async () => {
    const u = await upstream();
    u.handler = hang;
    const c = client(base(u.url));
    const body = new PassThrough();
    body.write('part of an upload');
    const call = failureOf(c.post('/upload', { body }));
    await u.waitForHits(1);
    const broken = new Error('disk read failed');
    body.destroy(broken);
    const err = await call;
    expectTyped(err, InvalidRequestError, 'ERR_PODKIT_HTTP_INVALID_REQUEST');
    expect((err as Error).cause).toBe(broken);
  });

  it('the pool closed under a queued call (close() raced it) → ConnectionError CLIENT_CLOSED', async () => {
    const u = await upstream();
    u.handler = hang;
    const c = client(base(u.url, { bulkhead: { maxConcurrent: 1, maxQueue: 1 } }));
    const ac = new AbortController();
    const first = failureOf(c.get('/first', { signal: ac.signal }));
    await u.waitForHits(1);
    const queued = failureOf(c.get('/queued'));
    const closing = c.close();
    ac.abort(); // the slot goes to the queued call, whose pool is closed by now
    expectTyped(await first, RequestAbortedError, 'ERR_PODKIT_HTTP_ABORTED');
    expectTyped(await queued, ConnectionError, 'ERR_PODKIT_HTTP_CONNECTION', { causeCode: 'CLIENT_CLOSED' });
    await closing;
    expect(processErrors).toEqual([]);
  });
});

/** What the upstream does to a response whose head (and a first chunk) the client already has. */
type MidBody = (res: ServerResponse) => void;

/** The ways a body fails after the head, and the error every read path must see. */
const midBodyFailures: { name: string; act: MidBody; chunked?: boolean; expect: (err: unknown) => void }[] = [
  {
    name: 'body timeout',
    act: () => undefined,
    expect: (err) => expectTyped(err, ClientTimeoutError, 'ERR_PODKIT_HTTP_TIMEOUT', { kind: 'body', timeoutMs: 150 }),
  },
  {
    name: 'reset',
    act: (res) => res.socket?.resetAndDestroy(),
    expect: (err) => expectTyped(err, ConnectionError, 'ERR_PODKIT_HTTP_CONNECTION', { causeCode: 'ECONNRESET' }),
  },
  {
    name: 'socket closed',
    act: (res) => res.socket?.end(),
    expect: (err) => expectTyped(err, ConnectionError, 'ERR_PODKIT_HTTP_CONNECTION', { causeCode: 'UND_ERR_SOCKET' }),
  },
  {
    name: 'malformed chunk',
    chunked: true,
    act: (res) => res.socket?.write('zz\r\n'),
    expect: (err) => expectTyped(err, InvalidResponseError, 'ERR_PODKIT_HTTP_INVALID_RESPONSE'),
  },
];

/** The body read paths; each resolves with the error the read failed with. */
const readPaths: { name: string; read: (c: HttpClient, head: Promise<void>) => Promise<unknown> }[] = [
  { name: 'text()', read: async (c) => failureOf((await c.get('/body')).text()) },
  { name: 'bytes()', read: async (c) => failureOf((await c.get('/body')).bytes()) },
  { name: 'json()', read: async (c) => failureOf((await c.get('/body')).json()) },
  {
    name: 'the body stream',
    read: async (c) => {
      const res: ClientResponse = await c.get('/body');
      const stream = res.body;
      stream.resume();
      const [err] = (await once(stream, 'error')) as [unknown];
      return err;
    },
  },
  { name: 'client.json() (read inside the call)', read: (c) => failureOf(c.json(z.unknown(), { path: '/body' })) },
];

/** Resolves when undici has received the next response head (its diagnostics channel). */
function nextResponseHead(): Promise<void> {
  return new Promise((resolve) => {
    const onHead = (): void => {
      unsubscribe('undici:request:headers', onHead);
      resolve();
    };
    subscribe('undici:request:headers', onHead);
  });
}

/** An upstream that sends a head and a first chunk, then does what the test says to the response. */
async function midBodyUpstream(chunked: boolean): Promise<{ u: Upstream; pending: ServerResponse[] }> {
  const u = await upstream();
  const pending: ServerResponse[] = [];
  u.handler = (_req, res) => {
    if (chunked) res.writeHead(200, { 'content-type': 'application/json' });
    else res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
    res.write('{"partial":');
    pending.push(res);
  };
  return { u, pending };
}

describe('every failure after the head reaches each body read path as a documented podkit error', () => {
  for (const failure of midBodyFailures) {
    describe(failure.name, () => {
      for (const path of readPaths) {
        it(path.name, async () => {
          const { u, pending } = await midBodyUpstream(failure.chunked === true);
          const c = client(base(u.url, { timeouts: { bodyMs: 150 } }));
          const head = nextResponseHead();
          const reading = path.read(c, head);
          await head;
          await u.waitForHits(1);
          failure.act(pending[0] as ServerResponse);
          failure.expect(await reading);
          expect(processErrors).toEqual([]);
        });
      }

      it('dump() never rejects', async () => {
        const { u, pending } = await midBodyUpstream(failure.chunked === true);
        const c = client(base(u.url, { timeouts: { bodyMs: 150 } }));
        const res = await c.get('/body');
        const dumped = res.dump();
        failure.act(pending[0] as ServerResponse);
        await expect(dumped).resolves.toBeUndefined();
        expect(processErrors).toEqual([]);
      });
    });
  }

});
