// THE load test: many keep-alive connections sending continuously while the service (a child
// process, real SIGTERM) shuts down. Zero failed or reset requests, every in-flight response
// completes, readiness 503 within 100 ms, exit 0 within delay + drain budget, `Connection: close`
// on every response sent after the delay; and with idle/silent connections only, the exit
// follows the delay within 500 ms. The load side never retries (node:http Agent, no retry).
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixture } from './helpers/child.ts';
import type { ChildService } from './helpers/child.ts';

const fixture = fileURLToPath(new URL('./fixtures/sigterm-service.ts', import.meta.url));
const children: ChildService[] = [];
const agents: Agent[] = [];
afterEach(() => {
  for (const a of agents.splice(0)) a.destroy();
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});

interface Outcome {
  ok: boolean;
  status?: number;
  connection?: string;
  error?: string;
  sentAt: number;
  doneAt: number;
}

function get(port: number, path: string, agent: Agent | false): Promise<Outcome> {
  const sentAt = performance.now();
  return new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: true, status: res.statusCode, connection: res.headers.connection, sentAt, doneAt: performance.now() }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message, sentAt, doneAt: performance.now() }));
    });
    r.on('error', (err: NodeJS.ErrnoException) => resolve({ ok: false, error: err.code ?? err.message, sentAt, doneAt: performance.now() }));
    r.end();
  });
}

const DELAY_MS = 1500;
const DRAIN_MS = 6000;
const CONNECTIONS = 32;
const SLOW_WORKERS = 8;
const SLOW_MS = 1000;

describe('SIGTERM under load', () => {
  it('drops nothing: zero failed requests, readiness 503 within 100 ms, Connection: close after the delay, exit 0 in budget', { timeout: 60_000 }, async () => {
    const svc = runFixture(fixture, { DELAY_MS: String(DELAY_MS), DRAIN_MS: String(DRAIN_MS), GRACE_MS: '20000' });
    children.push(svc);
    const { port } = (await svc.next('listening')) as { port: number };
    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    agents.push(agent);

    // Load: CONNECTIONS workers, each sending back to back on its keep-alive connection. Like a
    // load balancer once the endpoint is removed, they stop starting requests shortly before
    // the delay ends; slow workers guarantee requests are in flight when the drain begins.
    let stopAt = Number.POSITIVE_INFINITY;
    const outcomes: Outcome[] = [];
    let fastSeen = 0;
    let warmed: () => void = () => {};
    const warm = new Promise<void>((r) => (warmed = r));
    const worker = async (slow: boolean): Promise<void> => {
      let i = 0;
      while (performance.now() < stopAt) {
        const ms = slow ? SLOW_MS : 5 + (i++ % 4) * 10;
        const outcome = await get(port, `/work?ms=${ms}`, agent);
        outcomes.push(outcome);
        if (!slow && ++fastSeen === CONNECTIONS * 10) warmed();
      }
    };
    const load = Promise.all(Array.from({ length: CONNECTIONS }, (_, n) => worker(n < SLOW_WORKERS)));
    await warm; // traffic flows on every connection

    // Readiness poller on its own keep-alive connection.
    const probeAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(probeAgent);
    expect((await get(port, '/ready', probeAgent)).status).toBe(200);

    const signalAt = performance.now();
    stopAt = signalAt + DELAY_MS - 300;
    svc.child.kill('SIGTERM');
    let readyDownAt: number | undefined;
    while (readyDownAt === undefined) {
      const r = await get(port, '/ready', probeAgent);
      expect(r.ok, `readiness probe failed during the delay: ${r.error}`).toBe(true);
      if (r.status === 503) readyDownAt = r.doneAt;
    }
    probeAgent.destroy();

    await load;
    const exit = await svc.exited;

    const failed = outcomes.filter((o) => !o.ok || o.status !== 200);
    expect(failed, `failed requests: ${JSON.stringify(failed.slice(0, 5))}`).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(CONNECTIONS * 10);

    // Readiness 503 within 100 ms of the signal (the response to a probe sent after it).
    expect(readyDownAt - signalAt).toBeLessThan(100);

    // Responses completed after the drain began carry Connection: close (100 ms slack for the
    // signal's delivery); there are some (the slow requests in flight at the drain).
    const afterDelay = outcomes.filter((o) => o.doneAt > signalAt + DELAY_MS + 100);
    expect(afterDelay.length).toBeGreaterThanOrEqual(1);
    expect(afterDelay.filter((o) => o.connection !== 'close')).toEqual([]);

    // Exit 0 within delay + drain budget; the drain cut nothing.
    expect(exit.code).toBe(0);
    expect(exit.at - signalAt).toBeLessThan(DELAY_MS + DRAIN_MS);
    const drained = svc.messages.find((m) => m.msg === 'http server drained');
    expect(drained).toMatchObject({ cut: 0 });
    console.info(
      `load test: ${outcomes.length} requests, 0 failed; readiness 503 after ${(readyDownAt - signalAt).toFixed(1)} ms; ` +
        `${afterDelay.length} responses after the delay, all Connection: close; exit 0 after ${(exit.at - signalAt).toFixed(0)} ms ` +
        `(delay ${DELAY_MS} + drain budget ${DRAIN_MS}); drain ${JSON.stringify(drained)}`,
    );
  });

  it('with only idle keep-alive sockets and silent connections, exits within 500 ms of the delay', { timeout: 60_000 }, async () => {
    const delay = 1000;
    const svc = runFixture(fixture, { DELAY_MS: String(delay), DRAIN_MS: '10000', GRACE_MS: '20000' });
    children.push(svc);
    const { port } = (await svc.next('listening')) as { port: number };
    const agent = new Agent({ keepAlive: true, maxSockets: 50 });
    agents.push(agent);
    // 50 concurrent requests that each take 100 ms open 50 sockets, idle afterwards.
    const warm = await Promise.all(Array.from({ length: 50 }, () => get(port, '/work?ms=100', agent)));
    expect(warm.every((o) => o.ok)).toBe(true);
    const silent: Socket[] = await Promise.all(
      Array.from({ length: 10 }, () => new Promise<Socket>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
        s.on('error', reject);
      })),
    );
    // Make sure the server has accepted them: a request on a fresh connection is answered only
    // after earlier accepts in the backlog.
    expect((await get(port, '/ready', false)).status).toBe(200);

    const signalAt = performance.now();
    svc.child.kill('SIGTERM');
    const exit = await svc.exited;
    for (const s of silent) s.destroy();
    expect(exit.code).toBe(0);
    const afterDelay = exit.at - signalAt - delay;
    expect(afterDelay).toBeGreaterThanOrEqual(0);
    expect(afterDelay).toBeLessThan(500);
    const drained = svc.messages.find((m) => m.msg === 'http server drained');
    expect(drained).toMatchObject({ cut: 0, inFlightAtStart: 0 });
    expect(drained?.idleClosed).toBeGreaterThanOrEqual(60);
  });
});
