import { Agent, request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { createTestService } from './helpers/service.ts';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** A server whose `/hold` requests wait until released; everything else answers at once. */
async function start(expected = 1): Promise<{ server: PodkitServer; release: () => void; held: () => number; arrived: Promise<void> }> {
  const waiting: Array<() => void> = [];
  let onArrive: () => void = () => {};
  const arrived = new Promise<void>((r) => (onArrive = r));
  const t = createTestService();
  const server = await serve(
    t.service,
    (req, res) => {
      if (req.url === '/hold') {
        waiting.push(() => res.end('held'));
        if (waiting.length === expected) onArrive();
        return;
      }
      res.end('ok');
    },
    { port: 0, host: '127.0.0.1' },
  );
  cleanups.push(() => server.close(100));
  return { server, release: () => waiting.splice(0).forEach((w) => w()), held: () => waiting.length, arrived };
}

function get(port: number, path: string, agent: Agent): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ res, body }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

function silentConnection(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

const drainCtx = (ms: number) => ({ deadline: Date.now() + ms, signal: new AbortController().signal });

describe('drain', () => {
  it('closes idle keep-alive sockets and connections that never sent a byte after their quiet second, not at the budget’s end', async () => {
    const { server, arrived, release } = await start(50);
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    cleanups.push(() => agent.destroy());
    // 50 held requests force 50 distinct sockets, which stay open idle once answered.
    const answered = Promise.all(Array.from({ length: 50 }, () => get(server.port, '/hold', agent)));
    await arrived;
    release();
    await answered;
    let accepted = 0;
    const allAccepted = new Promise<void>((r) => server.server.on('connection', () => ++accepted === 10 && r()));
    const silent = await Promise.all(Array.from({ length: 10 }, () => silentConnection(server.port)));
    await allAccepted; // the server has seen them (a connect() callback can precede the accept)
    const closedSilent = Promise.all(silent.map((s) => new Promise((r) => s.once('close', r))));
    const started = performance.now();
    const result = await server.drain(drainCtx(30_000));
    const elapsed = performance.now() - started;
    expect(result).toMatchObject({ cut: 0, inFlightAtStart: 0 });
    expect(result.connectionsAtStart).toBe(60);
    expect(result.idleClosed).toBe(60);
    expect(elapsed).toBeLessThan(5_000); // the quiet second, far below the 30 s budget
    await closedSilent;
    expect(server.server.listening).toBe(false);
  });

  it('lets an in-flight request finish with Connection: close, then completes', async () => {
    const { server, release, arrived } = await start();
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const pending = get(server.port, '/hold', agent);
    await arrived;
    const drained = server.drain(drainCtx(30_000));
    let drainDone = false;
    void drained.then(() => (drainDone = true));
    await new Promise((r) => setImmediate(r));
    expect(drainDone).toBe(false);
    release();
    const { res, body } = await pending;
    expect(res.statusCode).toBe(200);
    expect(body).toBe('held');
    expect(res.headers.connection).toBe('close');
    expect(await drained).toMatchObject({ cut: 0, inFlightAtStart: 1 });
  });

  it('cuts what is still in flight at the deadline and reports how many', async () => {
    const { server, arrived } = await start();
    const agent = new Agent({ keepAlive: true });
    cleanups.push(() => agent.destroy());
    const pending = get(server.port, '/hold', agent).then(
      () => 'answered',
      () => 'cut',
    );
    await arrived;
    const result = await server.drain(drainCtx(50));
    expect(result).toMatchObject({ cut: 1, inFlightAtStart: 1 });
    expect(await pending).toBe('cut');
  });

  it('refuses new connections once draining', async () => {
    const { server } = await start();
    const port = server.port;
    await server.drain(drainCtx(1_000));
    await expect(silentConnection(port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
