// Keep-alive during shutdown: from SIGTERM on, responses carry `Connection: close`; at the drain
// start, a connection a client is sending on (or about to) is answered, never reset. Raw sockets
// make each race deterministic: the request bytes are written in the same tick as the drain
// starts, or half of a request is already on the server.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { createTestService } from './helpers/service.ts';
import type { TestService } from './helpers/service.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function start(): Promise<{ server: PodkitServer; t: TestService; accepted: Socket[] }> {
  const t = createTestService();
  const server = await serve(t.service, (req, res) => res.end(`ok ${req.url ?? ''}`), { port: 0, host: '127.0.0.1', accessLog: false });
  const accepted: Socket[] = [];
  server.server.on('connection', (s: Socket) => accepted.push(s));
  cleanups.push(() => server.close(100));
  return { server, t, accepted };
}

/** A raw HTTP/1.1 client on one connection: what it received, and how the connection ended. */
interface RawClient {
  socket: Socket;
  /** Sends a GET for `path` (or exactly `raw`). */
  write(raw: string): void;
  /** Resolves once `n` complete responses arrived in total. */
  responses(n: number): Promise<string[]>;
  /** Resolves with how the connection ended: `end` (FIN), or an error code. */
  ended: Promise<string>;
}

function rawClient(port: number): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const waiters: Array<() => void> = [];
    const ended = new Promise<string>((r) => {
      socket.on('end', () => r('end'));
      socket.on('error', (err: NodeJS.ErrnoException) => r(err.code ?? err.message));
    });
    const parse = (): string[] => parseResponses(data);
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      data += c;
      for (const w of waiters.splice(0)) w();
    });
    socket.once('connect', () =>
      resolve({
        socket,
        write: (raw) => void socket.write(raw),
        ended,
        responses: (n) =>
          new Promise((done, fail) => {
            const check = (): void => {
              const got = parse();
              if (got.length >= n) done(got);
              else waiters.push(check);
            };
            void ended.then((how) => fail(new Error(`connection ended (${how}) after ${JSON.stringify(data)}`)));
            check();
          }),
      }),
    );
    socket.once('error', reject);
  });
}

/** Splits complete responses (each with a Content-Length) off the received text. */
function parseResponses(data: string): string[] {
  const out: string[] = [];
  let rest = data;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd < 0) return out;
    const length = Number(/content-length: (\d+)/i.exec(rest.slice(0, headEnd))?.[1] ?? 0);
    const end = headEnd + 4 + length;
    if (rest.length < end) return out;
    out.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
}

const get = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: test\r\n\r\n`;
const drainCtx = (ms: number) => ({ deadline: Date.now() + ms, signal: new AbortController().signal });

/** Polls `cond` (bounded) until true. */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('keep-alive during shutdown', () => {
  it('answers with Connection: close from the moment shutdown begins, before any drain', async () => {
    const { server, t } = await start();
    const c = await rawClient(server.port);
    c.write(get('/before'));
    const [before] = await c.responses(1);
    expect(before).toMatch(/connection: keep-alive/i);
    t.beginShutdown();
    c.write(get('/during-delay'));
    const [, during] = await c.responses(2);
    expect(during).toMatch(/^HTTP\/1\.1 200/);
    expect(during).toMatch(/connection: close/i);
    expect(during).toMatch(/ok \/during-delay/);
    expect(await c.ended).toBe('end'); // the server closed it after the response, gracefully
    expect(server.server.listening).toBe(true); // still serving new connections
  });

  it('answers a request written on an idle keep-alive socket in the tick the drain starts', async () => {
    const { server } = await start();
    const c = await rawClient(server.port);
    c.write(get('/first'));
    await c.responses(1);
    const drained = server.drain(drainCtx(10_000));
    c.write(get('/racing'));
    const got = await c.responses(2);
    expect(got[1]).toMatch(/^HTTP\/1\.1 200/);
    expect(got[1]).toMatch(/connection: close/i);
    expect(got[1]).toMatch(/ok \/racing/);
    expect(await c.ended).toBe('end');
    expect(await drained).toMatchObject({ cut: 0, idleClosed: 0 });
  });

  it('answers a request whose headers were half received when the drain started', async () => {
    const { server, accepted } = await start();
    const c = await rawClient(server.port);
    c.write('GET /slow-headers HTTP/1.1\r\nHost: te');
    await until(() => accepted.length === 1 && accepted[0]!.bytesRead > 0, 'the server to read the first half');
    const drained = server.drain(drainCtx(10_000));
    await new Promise((r) => setImmediate(r));
    c.write('st\r\n\r\n');
    const [res] = await c.responses(1);
    expect(res).toMatch(/^HTTP\/1\.1 200/);
    expect(res).toMatch(/ok \/slow-headers/);
    expect(await drained).toMatchObject({ cut: 0 });
  });

  it('answers a connection accepted before the drain whose request arrives just after it started', async () => {
    const { server, accepted } = await start();
    const c = await rawClient(server.port);
    await until(() => accepted.length === 1, 'the server to accept');
    const drained = server.drain(drainCtx(10_000));
    await new Promise((r) => setImmediate(r));
    c.write(get('/late'));
    const [res] = await c.responses(1);
    expect(res).toMatch(/ok \/late/);
    expect(res).toMatch(/connection: close/i);
    expect(await drained).toMatchObject({ cut: 0 });
  });

  it('closes connections that stay quiet and refuses new ones, then completes', async () => {
    const { server } = await start();
    const port = server.port;
    const idle = await rawClient(port);
    idle.write(get('/once'));
    await idle.responses(1);
    const silent = await rawClient(port);
    const result = await server.drain(drainCtx(10_000));
    expect(result).toMatchObject({ cut: 0, inFlightAtStart: 0, connectionsAtStart: 2, idleClosed: 2 });
    expect(await idle.ended).toBe('end');
    expect(await silent.ended).toBe('end');
    await expect(rawClient(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
