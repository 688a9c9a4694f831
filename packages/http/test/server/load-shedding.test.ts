import { createServer } from 'node:http';
import { connect } from 'node:net';
import { setTimeout as realSetTimeout } from 'node:timers';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDLE_HEARTBEATS, LoadShedder, TURN_HEARTBEAT_MS } from '../../src/server/load-shedding.ts';
import type { DelaySampler, TurnClock } from '../../src/server/load-shedding.ts';
import { RequestInstrumentation } from '../../src/server/instrumentation.ts';
import { createRequestPipeline } from '../../src/server/pipeline.ts';
import { PodkitServerResponse } from '../../src/server/response.ts';
import { serve } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';

function sampler(): DelaySampler & { delayMs: number; closed: boolean } {
  const s = { delayMs: 0, closed: false, medianMs: () => s.delayMs, reset: () => {}, close: () => void (s.closed = true) };
  return s;
}

afterEach(() => {
  vi.useRealTimers();
});

/** A clock the test moves by hand. */
function clock(): TurnClock & { wall: number; cpu: number } {
  const c = { wall: 0, cpu: 0, now: () => c.wall, cpuMs: () => c.cpu };
  return c;
}

/** A keep-alive raw connection that has completed one request (so the server has accepted it). */
async function warmConnection(port: number): Promise<{ socket: Socket; next: () => Promise<string> }> {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  let waiter: (() => void) | undefined;
  socket.setEncoding('utf8').on('data', (c: string) => {
    data += c;
    waiter?.();
  });
  const next = (): Promise<string> =>
    new Promise((resolve) => {
      const check = (): void => {
        const end = data.indexOf('\r\n\r\n');
        const length = Number(/content-length: (\d+)/i.exec(data.slice(0, end))?.[1] ?? 0);
        if (end >= 0 && data.length >= end + 4 + length) {
          const res = data.slice(0, end + 4 + length);
          data = data.slice(end + 4 + length);
          waiter = undefined;
          resolve(res);
        } else waiter = check;
      };
      check();
    });
  socket.write('GET /warm HTTP/1.1\r\nHost: t\r\n\r\n');
  await next();
  return { socket, next };
}

describe('load shedding', () => {
  it('sheds a request read in an event-loop turn that has already run longer than the threshold', () => {
    const c = clock();
    const shedder = new LoadShedder({ maxEventLoopDelayMs: 200, windowMs: false }, undefined, c);
    c.wall = 150;
    c.cpu = 150;
    expect(shedder.shouldShed()).toBe(false);
    c.wall = 201; // the turn that began at 0 has run 201 ms, 150 of them on our CPU: saturated
    expect(shedder.shouldShed()).toBe(true);
    shedder.beginTurn(); // the next turn begins (the heartbeat's tick in the timers phase)
    expect(shedder.shouldShed()).toBe(false);
    c.wall += 400; // 400 ms on the clock, but the OS ran us for 50: slow, not overloaded
    c.cpu += 50;
    expect(shedder.shouldShed()).toBe(false);
    shedder.close();
  });

  it('keeps its heartbeat running under fake timers (a user’s test must not see endless turns)', async () => {
    vi.useFakeTimers();
    const c = { ...clock(), now: () => performance.now() };
    const shedder = new LoadShedder({ windowMs: false }, undefined, c);
    let turns = 0;
    const beginTurn = shedder.beginTurn.bind(shedder);
    shedder.beginTurn = () => void (turns++, beginTurn());
    // Real time passes (the fake clock does not move): the heartbeat still ticks.
    for (let i = 0; i < 200 && turns === 0; i++) await new Promise((r) => realSetTimeout(r, TURN_HEARTBEAT_MS).unref());
    expect(turns).toBeGreaterThan(0);
    shedder.close();
  });

  it('stops its timers and pauses the sampler when no request comes, and wakes on the next request', async () => {
    const s = { ...sampler(), paused: 0, resumed: 0 };
    s.pause = () => void s.paused++;
    s.resume = () => void s.resumed++;
    const c = { ...clock(), now: () => performance.now() };
    const shedder = new LoadShedder({ windowMs: 1000 }, s, c);
    expect(shedder.sleeping).toBe(false);
    // idle: after IDLE_HEARTBEATS heartbeats without a request the timers stop
    for (let i = 0; i < IDLE_HEARTBEATS * 3 && !shedder.sleeping; i++) await new Promise((r) => realSetTimeout(r, TURN_HEARTBEAT_MS).unref());
    expect(shedder.sleeping).toBe(true);
    expect(s.paused).toBe(1);
    shedder.overloaded = true; // a stale window verdict must not survive the idle period
    expect(shedder.shouldShed()).toBe(false); // the request wakes it, its turn counted from now
    expect(shedder.sleeping).toBe(false);
    expect(s.resumed).toBe(2); // at construction, and now
    shedder.close();
    expect(shedder.shouldShed()).toBe(false);
    expect(shedder.sleeping).toBe(true); // closed: never wakes again
  });

  it('sheds a whole window after one whose median event-loop delay exceeded half the limit while the loop was busy, and stops again', () => {
    vi.useFakeTimers();
    const s = sampler();
    const c = clock();
    const window = (delayMs: number, cpuMs: number): void => {
      s.delayMs = delayMs;
      c.wall += 1000;
      c.cpu += cpuMs;
      vi.advanceTimersByTime(1000);
    };
    const shedder = new LoadShedder({ maxEventLoopDelayMs: 200, windowMs: 1000 }, s, c);
    expect(shedder.overloaded).toBe(false);
    window(101, 900); // delayed and busy: saturated
    expect(shedder.overloaded).toBe(true);
    window(20, 900);
    expect(shedder.overloaded).toBe(false);
    window(300, 200); // delayed, but the OS ran us 20 % of the time: a crowded node, not overload
    expect(shedder.overloaded).toBe(false);
    shedder.close();
    expect(s.closed).toBe(true);
  });

  it('answers 503 with Retry-After to application requests while overloaded, never to probes', async () => {
    const t = createTestService();
    const s = sampler();
    const shedder = new LoadShedder({ retryAfterSeconds: 2, windowMs: 1000 }, s);
    shedder.overloaded = true;
    const server = createServer({ ServerResponse: PodkitServerResponse });
    const { ProbeEndpoints } = await import('../../src/server/probes.ts');
    server.on(
      'request',
      createRequestPipeline({
        tracker: undefined,
        probes: new ProbeEndpoints({}, t.service.health, t.service.metrics, t.service.logger),
        instrumentation: new RequestInstrumentation({ logger: t.service.logger, metrics: undefined, accessLog: true, tracer: undefined, requestIdHeader: 'x-request-id' }),
        instrumentProbes: false,
        shedder,
        listener: (_req, res) => res.end('ok'),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const shed = await send(port, { path: '/posts' });
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('2');
      expect(shed.headers['content-type']).toBe('application/problem+json');
      expect((await send(port, { path: '/ready' })).status).toBe(200);
      shedder.overloaded = false;
      expect((await send(port, { path: '/posts' })).text).toBe('ok');
    } finally {
      shedder.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('is on by default: while a turn is saturated application requests are shed and probes answered', async () => {
    const t = createTestService();
    let burned = 0;
    const server = await serve(
      t.service,
      (req, res) => {
        if (req.url === '/cpu') {
          burned++;
          // One CPU-heavy request: 300 ms of the event loop's CPU (not of the clock: on a crowded
          // machine the clock runs faster than our CPU time).
          const cpu = (): number => {
            const u = process.threadCpuUsage();
            return (u.user + u.system) / 1000;
          };
          const until = cpu() + 300;
          while (cpu() < until);
        }
        res.end('ok');
      },
      { port: 0, host: '127.0.0.1', accessLog: false },
    );
    const connections = await Promise.all(Array.from({ length: 7 }, () => warmConnection(server.port)));
    try {
      // Six /cpu and one /health written in one tick: the server reads all seven in one turn.
      connections.forEach((c, i) => c.socket.write(`GET ${i === 6 ? '/health' : '/cpu'} HTTP/1.1\r\nHost: t\r\n\r\n`));
      const answers = await Promise.all(connections.map((c) => c.next()));
      const cpu = answers.slice(0, 6);
      expect(answers[6]).toMatch(/^HTTP\/1\.1 200/); // the liveness probe is answered, not queued behind 1.8 s of work
      expect(burned).toBe(1); // the first ran; the turn had then run 300 ms, so the rest were shed
      expect(cpu.filter((r) => r.startsWith('HTTP/1.1 200'))).toHaveLength(1);
      const shed = cpu.filter((r) => r.startsWith('HTTP/1.1 503'));
      expect(shed).toHaveLength(5);
      expect(shed[0]).toMatch(/retry-after: 1/i);
      expect(shed[0]).toMatch(/application\/problem\+json/i);
      // The next turn is not saturated: requests run again.
      connections[0]!.socket.write('GET /cpu HTTP/1.1\r\nHost: t\r\n\r\n');
      expect(await connections[0]!.next()).toMatch(/^HTTP\/1\.1 200/);
    } finally {
      for (const c of connections) c.socket.destroy();
      await server.close(100);
    }
  });

  it('validates its options', async () => {
    const t = createTestService();
    await expect(serve(t.service, () => {}, { port: 0, loadShedding: { maxEventLoopDelayMs: -1 } })).rejects.toMatchObject({
      option: 'loadShedding.maxEventLoopDelayMs',
    });
  });
});
