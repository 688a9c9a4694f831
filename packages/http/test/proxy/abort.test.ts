import { EventEmitter, once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createProxy } from '../../src/index.ts';
import type { ClientOptions } from '../../src/index.ts';
import { send } from '../server/helpers/http.ts';
import { useProcessErrors } from '../client/helpers/process-errors.ts';
import { silentListener } from '../client/helpers/upstream.ts';
import { onCleanup, plainServer, serveProxy, testClient, useCleanup } from './helpers.ts';
import type { PlainServer } from './helpers.ts';

useCleanup();
const processErrors = useProcessErrors();

/**
 * An upstream where `/hang` and `/upload` never answer, `/stream` sends its head and a first
 * chunk and then nothing, and anything else answers 200 once the body is read. It records each
 * request's path and whether the request is still open.
 */
async function stagedUpstream(): Promise<{ up: PlainServer; paths: string[]; open: () => number }> {
  const paths: string[] = [];
  let open = 0;
  const up = await plainServer((req: IncomingMessage, res: ServerResponse) => {
    paths.push(req.url ?? '');
    open++;
    res.once('close', () => open--);
    if (req.url === '/hang' || req.url === '/upload') {
      req.resume();
      return;
    }
    if (req.url === '/stream') {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.write(Buffer.alloc(1024, 1));
      return;
    }
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    });
  });
  return { up, paths, open: () => open };
}

/**
 * A proxy whose handler announces each request it has started forwarding, with the warnings it
 * logs (a caller that went away is not an upstream failure: none are expected).
 */
async function stagedProxy(options: ClientOptions): Promise<{ port: number; forwarding: EventEmitter; warnings: unknown[] }> {
  const forwarding = new EventEmitter();
  const warnings: unknown[] = [];
  const proxy = createProxy({ client: testClient(options), logger: { warn: (obj: unknown) => warnings.push(obj) } });
  const { port } = await serveProxy((req, res) => {
    proxy(req, res);
    forwarding.emit('request', req);
  });
  return { port, forwarding, warnings };
}

/** A raw caller: writes `head` (and `body`), resolves once the socket is connected. */
async function caller(port: number, head: string, body?: string): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  socket.write(head + (body ?? ''));
  onCleanup(() => {
    socket.destroy();
    return Promise.resolve();
  });
  return socket;
}

/** Hangs up and waits until the socket is closed. */
async function hangUp(socket: Socket): Promise<void> {
  socket.destroy();
  if (!socket.closed) await once(socket, 'close');
}

/** Polls `condition` (at most 2,000 times, 5 ms apart): the proxy reacts to a hang-up on its own sockets' events. */
async function eventually(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition(), what).toBe(true);
}

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nhost: x\r\n\r\n`;
const CHUNKED = (path: string): string => `POST ${path} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n`;
const SMALL = (path: string): string => `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n`;

const saturations: { name: string; options: (url: string) => ClientOptions }[] = [
  { name: 'the bulkhead full', options: (url) => ({ name: 'up', baseUrl: url, breaker: false, bulkhead: { maxConcurrent: 1, maxQueue: 16 } }) },
  { name: 'the pool saturated', options: (url) => ({ name: 'up', baseUrl: url, breaker: false, bulkhead: false, pool: { connections: 1 } }) },
];

describe('createProxy survives callers that go away at any stage', () => {
  for (const saturation of saturations) {
    it(`with ${saturation.name}: before dispatch, queued (streamed, buffered and bodiless), then the slot holder itself`, async () => {
      const { up, paths, open } = await stagedUpstream();
      const { port, forwarding, warnings } = await stagedProxy(saturation.options(up.url));
      // the holder takes the only slot / connection and keeps it
      const holder = await caller(port, GET('/hang'));
      await eventually(() => paths.length === 1, 'the holder reached the upstream');

      // 1. before dispatch: a buffered body still being read by the proxy
      const reading = await caller(port, SMALL('/small'), 'only ten b');
      await once(forwarding, 'request');
      await hangUp(reading);
      // 2. queued behind the holder: a streamed body (its stream waits with no reader), a bodiless GET
      for (const head of [CHUNKED('/queued-stream'), GET('/queued-get')]) {
        const queued = await caller(port, head);
        await once(forwarding, 'request');
        await hangUp(queued);
      }
      // 3. the holder goes away: its call is aborted, which frees the slot
      await hangUp(holder);
      await eventually(() => open() === 0, 'the upstream request of the holder was released');

      const still = await send(port, { path: '/ok' });
      expect(still.status).toBe(200);
      // nothing that was aborted while waiting reached the upstream
      expect(paths).toEqual(['/hang', '/ok']);
      expect(warnings).toEqual([]);
      expect(processErrors).toEqual([]);
    });
  }

  it('while connecting to the upstream', async () => {
    const silent = await silentListener();
    onCleanup(() => silent.stop());
    const { port, forwarding, warnings } = await stagedProxy({ name: 'tls', baseUrl: silent.httpsUrl, breaker: false });
    for (const head of [CHUNKED('/connecting-stream'), GET('/connecting-get')]) {
      const c = await caller(port, head);
      await once(forwarding, 'request');
      await silent.connected();
      await hangUp(c);
    }
    const again = await caller(port, GET('/x'));
    await once(forwarding, 'request');
    await hangUp(again);
    expect(warnings).toEqual([]);
    expect(processErrors).toEqual([]);
  });

  it('mid-upload, waiting for the head, at the response head and mid-response', async () => {
    const { up, paths, open } = await stagedUpstream();
    const { port, warnings } = await stagedProxy({ name: 'up', baseUrl: up.url, breaker: false });
    // mid-upload: the upstream has the request, the caller is still sending its body
    const uploading = await caller(port, CHUNKED('/upload'));
    await eventually(() => paths.includes('/upload'), 'the upload reached the upstream');
    await hangUp(uploading);
    // waiting for the head
    const waiting = await caller(port, GET('/hang'));
    await eventually(() => paths.includes('/hang'), 'the request reached the upstream');
    await hangUp(waiting);
    // at the response head and mid-response
    for (const bytes of [1, 1024]) {
      const reading = await caller(port, GET('/stream'));
      let got = 0;
      reading.on('data', (chunk: Buffer) => {
        got += chunk.length;
        if (got >= bytes) reading.destroy();
      });
      await once(reading, 'close');
    }
    await eventually(() => open() === 0, 'every upstream request was released');
    const still = await send(port, { method: 'POST', path: '/ok', body: 'fine' });
    expect(still.status).toBe(200);
    expect(warnings).toEqual([]);
    expect(processErrors).toEqual([]);
  });
});

/** What a caller of the burst does before it hangs up. */
type Stage = 'connect' | 'partial head' | 'small upload' | 'streamed upload' | 'queued' | 'response head' | 'mid-body' | 'complete';
const STAGES: readonly Stage[] = ['connect', 'partial head', 'small upload', 'streamed upload', 'queued', 'response head', 'mid-body', 'complete'];
/** Stages that need no byte from the upstream (they run while the bulkhead is held full). */
const BLIND: readonly Stage[] = ['connect', 'partial head', 'small upload', 'streamed upload', 'queued'];

/** One caller of the burst: resolves once its socket is closed, whatever happened. */
function burstCaller(port: number, stage: Stage): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
    const hangUpAfter = (data: string): void => {
      socket.write(data, () => socket.destroy());
    };
    socket.once('connect', () => {
      switch (stage) {
        case 'connect':
          socket.destroy();
          return;
        case 'partial head':
          return hangUpAfter('GET /x HTTP/1.1\r\nhost');
        case 'small upload':
          return hangUpAfter(`${SMALL('/small')}only ten b`);
        case 'streamed upload':
          return hangUpAfter(CHUNKED('/upload'));
        case 'queued':
          return hangUpAfter(GET('/hang'));
        default: {
          // read the answer; hang up at the head, mid-body, or at the end. A 503 from a full queue
          // is a whole answer of about 200 bytes on a kept-alive connection: a caller that gets one
          // has nothing more coming, so it hangs up then (waiting for a 1 KiB body would wait forever)
          let got = 0;
          let head = '';
          socket.on('data', (chunk: Buffer) => {
            got += chunk.length;
            if (head.length < 12) head += chunk.toString('latin1', 0, 12);
            const answered = head.length >= 12 && !head.startsWith('HTTP/1.1 200');
            if (answered || stage === 'response head' || (stage === 'mid-body' && got > 1024)) socket.destroy();
          });
          socket.once('end', () => socket.destroy());
          socket.write(stage === 'complete' ? 'GET /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n' : GET('/stream'));
        }
      }
    });
  });
}

describe('a burst of aborting callers against a proxy process', () => {
  it('1,250 callers (as in the field trial) hanging up at every stage: the process stays up, logs no fatal error, answers, and releases the upstream', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const { up, open } = await stagedUpstream();
    const child = spawn(process.execPath, ['--conditions=@podkit/source', fileURLToPath(new URL('./proxy-child.ts', import.meta.url)), up.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    onCleanup(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const m = /PORT (\d+)/.exec(stderr);
        if (m !== null) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`proxy child exited ${code}: ${stderr}`)));
    });

    // wave 1: four holders keep the bulkhead and the pool full while 500 callers hang up blind
    const holders = await Promise.all(Array.from({ length: 4 }, () => caller(port, GET('/hang'))));
    await eventually(() => open() === 4, 'the holders reached the upstream');
    await Promise.all(Array.from({ length: 500 }, (_, i) => burstCaller(port, BLIND[i % BLIND.length] as Stage)));
    await Promise.all(holders.map(hangUp));
    // wave 2: 750 callers at every stage, the bulkhead filling and draining under them
    await Promise.all(Array.from({ length: 750 }, (_, i) => burstCaller(port, STAGES[i % STAGES.length] as Stage)));

    // a fatal error is logged at once; the process then shuts down (stops listening, exits 1)
    expect(stdout).not.toMatch(/uncaught exception|unhandled promise rejection/);
    expect(stderr).not.toMatch(/Uncaught|Unhandled/i);
    expect(child.exitCode, stdout + stderr).toBe(null);
    const still = await send(port, { path: '/ok' });
    expect(still.status).toBe(200);
    await eventually(() => open() === 0, 'every upstream request was released');
    expect(child.exitCode).toBe(null);
  }, 60_000);
});
