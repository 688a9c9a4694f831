import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RequestAbortedError } from '../../src/index.ts';
import type { ClientOptions, HttpClient } from '../../src/index.ts';
import { useProcessErrors } from './helpers/process-errors.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { json, silentListener } from './helpers/upstream.ts';
import type { Upstream } from './helpers/upstream.ts';

useCleanup();
const processErrors = useProcessErrors();

/** A request body the caller is still writing (never ended by the test). */
function openBody(): PassThrough {
  const body = new PassThrough();
  body.write('first chunk of an upload that never ends');
  return body;
}

/** An upstream where `/hang` never answers, `/stream` sends its head and one chunk, the rest answers 200. */
async function stagedUpstream(): Promise<{ u: Upstream; closed: Promise<unknown>[] }> {
  const u = await upstream();
  const closed: Promise<unknown>[] = [];
  u.keepRequests = true;
  u.handler = (req: IncomingMessage, res) => {
    closed.push(once(res, 'close'));
    if (req.url === '/hang' || req.url === '/upload') return;
    if (req.url === '/stream') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
      return;
    }
    json(res, 200, { ok: true });
  };
  return { u, closed };
}

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

/** Asserts the call (a promise, or the error it failed with) was aborted, its body stream destroyed, nothing escaped, and the client still works. */
async function expectAborted(c: HttpClient, call: unknown, body: PassThrough | undefined): Promise<void> {
  const err = call instanceof Promise ? await call.then(() => undefined, (e: unknown) => e) : call;
  expect(err).toBeInstanceOf(RequestAbortedError);
  expect(err).toMatchObject({ code: 'ERR_PODKIT_HTTP_ABORTED' });
  if (body !== undefined) {
    // 'close' comes after any 'error' the stream emits: an unhandled one would have been recorded
    if (!body.closed) await once(body, 'close');
    expect(body.destroyed).toBe(true);
  }
  const res = await c.get('/ok');
  expect(res.status).toBe(200);
  await res.dump();
  expect(processErrors).toEqual([]);
}

const bodies = [
  { name: 'a stream body', body: openBody },
  { name: 'no body', body: (): undefined => undefined },
] as const;

describe('a caller abort at every stage of a call', () => {
  for (const kind of bodies) {
    describe(`with ${kind.name}`, () => {
      const base = (u: Upstream, extra: Partial<ClientOptions>): ClientOptions => ({ name: 'up', baseUrl: u.url, breaker: false, retry: false, ...extra });
      const method = kind.name === 'no body' ? 'GET' : 'POST';

      it('while queued in the bulkhead (before dispatch)', async () => {
        const { u } = await stagedUpstream();
        const c = client(base(u, { bulkhead: { maxConcurrent: 1, maxQueue: 4 } }));
        const holderAc = new AbortController();
        const holder = c.get('/hang', { signal: holderAc.signal }).catch((e: unknown) => e);
        await u.waitForHits(1);
        const ac = new AbortController();
        const body = kind.body();
        const call = c.request({ method, path: '/queued', body, signal: ac.signal });
        ac.abort();
        const err = await call.catch((e: unknown) => e);
        holderAc.abort(); // frees the slot for the follow-up call
        expect(await holder).toBeInstanceOf(RequestAbortedError);
        await expectAborted(c, err, body);
        // the queued request never reached the upstream
        expect(u.requests.map((r) => r.url)).toEqual(['/hang', '/ok']);
      });

      it('while queued in the pool for a connection', async () => {
        const { u } = await stagedUpstream();
        const c = client(base(u, { pool: { connections: 1 }, bulkhead: false }));
        const holderAc = new AbortController();
        const holder = c.get('/hang', { signal: holderAc.signal }).catch((e: unknown) => e);
        await u.waitForHits(1);
        const ac = new AbortController();
        const body = kind.body();
        const call = c.request({ method, path: '/queued', body, signal: ac.signal });
        ac.abort();
        const err = await call.catch((e: unknown) => e);
        holderAc.abort(); // frees the connection
        expect(await holder).toBeInstanceOf(RequestAbortedError);
        await expectAborted(c, err, body);
        expect(u.requests.map((r) => r.url)).toEqual(['/hang', '/ok']);
      });

      it('while connecting', async () => {
        const silent = await silentListener();
        try {
          const c = client({ name: 'tls', baseUrl: silent.httpsUrl, breaker: false, retry: false });
          const ac = new AbortController();
          const body = kind.body();
          const call = c.request({ method, path: '/x', body, signal: ac.signal });
          await silent.connected(); // the TLS handshake never completes: still connecting
          ac.abort();
          const err = await call.catch((e: unknown) => e);
          expect(err).toBeInstanceOf(RequestAbortedError);
          if (body !== undefined && !body.closed) await once(body, 'close');
          expect(processErrors).toEqual([]);
        } finally {
          await silent.stop();
        }
      });

      it(method === 'POST' ? 'mid-upload' : 'while waiting for the response head', async () => {
        const { u, closed } = await stagedUpstream();
        const c = client(base(u, {}));
        const ac = new AbortController();
        const body = kind.body();
        const call = c.request({ method, path: body === undefined ? '/hang' : '/upload', body, signal: ac.signal });
        await u.waitForHits(1); // the upstream has the head; a stream body is still being written
        ac.abort();
        await expectAborted(c, call, body);
        await Promise.all(closed.slice(0, 1)); // the upstream saw the request go away
      });

      it('mid-response, while client.json() reads the body inside the call', async () => {
        const { u, closed } = await stagedUpstream();
        const c = client(base(u, {}));
        const ac = new AbortController();
        const body = kind.body();
        if (body !== undefined) body.end();
        const head = nextResponseHead();
        const call = c.json(z.unknown(), { method, path: '/stream', body, signal: ac.signal });
        await head; // the head has arrived: the call is reading the body
        ac.abort();
        await expectAborted(c, call, body);
        await Promise.all(closed.slice(0, 1));
      });
    });
  }

  it('mid-response after request() resolved: destroying the body stream releases the upstream', async () => {
    const { u, closed } = await stagedUpstream();
    const c = client({ name: 'up', baseUrl: u.url, breaker: false, retry: false });
    const res = await c.get('/stream');
    const stream = res.body;
    await once(stream, 'data');
    stream.destroy();
    await once(stream, 'close');
    await Promise.all(closed);
    const again = await c.get('/ok');
    await again.dump();
    expect(processErrors).toEqual([]);
  });
});
