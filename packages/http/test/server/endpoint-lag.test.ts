// Endpoint removal lagging SIGTERM, with kube-proxy semantics: a pooled client keeps sending on
// its established connections to the terminating pod; a NEW connection goes to the pod until the
// endpoint is removed (`lag` after SIGTERM) and to another pod afterwards. The pod is a child
// process (core's lifecycle, real SIGTERM, propagation delay DELAY_MS). Two real pooled clients
// send continuously (workers back to back, plus bursts that use every pooled socket) during the
// delay and across the drain start: an undici Pool and a node:http Agent, neither retrying.
// Failures are counted by kind for lag < delay, = delay and > delay. With lag < delay there
// must be none: responses carry `Connection: close` from SIGTERM on, so the clients move to
// new connections (the other pod once the endpoint is gone) before the drain, and the drain
// never resets a connection a request may be in flight on.
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { ClientRequestArgs, Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixture } from './helpers/child.ts';
import type { ChildService } from './helpers/child.ts';

const fixture = fileURLToPath(new URL('./fixtures/sigterm-service.ts', import.meta.url));
const DELAY_MS = 1500;
const WORKERS = 6;
const BURST = 6;
const BURST_EVERY_MS = 100;
const TIMEOUT_MS = 5000;

type Kind = 'reset' | 'refused' | '5xx' | 'timeout' | 'other';
interface Tally {
  ok: number;
  /** Of the successful requests, how many the other pod answered. */
  other: number;
  failures: Record<Kind, number>;
  samples: string[];
}
const tally = (): Tally => ({ ok: 0, other: 0, failures: { reset: 0, refused: 0, '5xx': 0, timeout: 0, other: 0 }, samples: [] });

function kindOf(err: NodeJS.ErrnoException): Kind {
  const code = err.code ?? err.message;
  // Refused, or reset while still in the closed listener's accept queue: nothing was sent.
  if (code === 'ECONNREFUSED' || (code === 'ECONNRESET' && err.syscall === 'connect')) return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'reset';
  if (code === 'TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return 'other';
}

/** The load balancer: where a new connection goes. Established connections stay where they are. */
class Balancer {
  removedAt = Number.POSITIVE_INFINITY;
  readonly podPort: number;
  readonly otherPort: number;
  constructor(podPort: number, otherPort: number) {
    this.podPort = podPort;
    this.otherPort = otherPort;
  }
  port(): number {
    return performance.now() < this.removedAt ? this.podPort : this.otherPort;
  }
}

interface LoadClient {
  name: string;
  send(path: string): Promise<{ status: number; pod: string | undefined }>;
  close(): Promise<void>;
}

function undiciClient(lb: Balancer): LoadClient {
  const pool = new Pool(`http://127.0.0.1:${String(lb.podPort)}`, {
    connections: WORKERS + BURST,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
    connect: (_options, callback) => {
      const socket = connect(lb.port(), '127.0.0.1');
      const onError = (err: Error): void => callback(err, null);
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        callback(null, socket);
      });
    },
  });
  return {
    name: 'undici Pool',
    async send(path) {
      const res = await pool.request({ path, method: 'GET' });
      await res.body.dump();
      return { status: res.statusCode, pod: res.headers['x-pod'] as string | undefined };
    },
    close: () => pool.destroy(),
  };
}

class BalancedAgent extends Agent {
  readonly #lb: Balancer;
  constructor(lb: Balancer) {
    super({ keepAlive: true, maxSockets: WORKERS + BURST });
    this.#lb = lb;
  }
  override createConnection(_options: ClientRequestArgs): Duplex {
    return connect(this.#lb.port(), '127.0.0.1');
  }
}

function nodeClient(lb: Balancer): LoadClient {
  const agent = new BalancedAgent(lb);
  return {
    name: 'node:http Agent',
    send: (path) =>
      new Promise((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: lb.podPort, path, agent }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, pod: res.headers['x-pod'] as string | undefined }));
          res.on('error', reject);
        });
        req.setTimeout(TIMEOUT_MS, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
        req.on('error', reject);
        req.end();
      }),
    close: () => Promise.resolve(agent.destroy()),
  };
}

/** The pod the endpoint moves to: answers at once and says who it is. */
async function otherPod(): Promise<Server> {
  const server = createServer({ keepAliveTimeout: 65_000 }, (_req, res) => res.setHeader('x-pod', 'other').end('{"ok":true}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const children: ChildService[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r).closeAllConnections());
});

async function scenario(lagMs: number): Promise<{ tallies: Tally[]; exitCode: number | null; drained: unknown }> {
  const svc = runFixture(fixture, { DELAY_MS: String(DELAY_MS), DRAIN_MS: '6000', GRACE_MS: '20000' });
  children.push(svc);
  const other = await otherPod();
  servers.push(other);
  const { port } = (await svc.next('listening')) as { port: number };
  const lb = new Balancer(port, (other.address() as AddressInfo).port);
  const clients = [undiciClient(lb), nodeClient(lb)];
  const tallies = clients.map(() => tally());
  let stopAt = Number.POSITIVE_INFINITY;
  let sent = 0;
  let warmed: () => void = () => {};
  const warm = new Promise<void>((r) => (warmed = r));

  const one = async (client: LoadClient, t: Tally): Promise<void> => {
    const path = `/work?ms=${String([0, 0, 0, 10][sent++ % 4])}`;
    try {
      const res = await client.send(path);
      if (res.status >= 500) {
        t.failures['5xx']++;
        t.samples.push(`status ${String(res.status)}`);
      } else {
        t.ok++;
        if (res.pod === 'other') t.other++;
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      t.failures[kindOf(err as NodeJS.ErrnoException)]++;
      if (t.samples.length < 5) t.samples.push(`${code}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 10)); // pace a failing worker instead of spinning on refusals
    }
    if (sent >= 400) warmed(); // idempotent: bursts start several requests at once
  };
  const load = clients.flatMap((client, i) => [
    ...Array.from({ length: WORKERS }, async () => {
      while (performance.now() < stopAt) await one(client, tallies[i]!);
    }),
    (async (): Promise<void> => {
      while (performance.now() < stopAt) {
        await Promise.all(Array.from({ length: BURST }, () => one(client, tallies[i]!)));
        await new Promise((r) => setTimeout(r, BURST_EVERY_MS));
      }
    })(),
  ]);
  await warm;
  const signalAt = performance.now();
  lb.removedAt = signalAt + lagMs;
  svc.child.kill('SIGTERM');
  const exit = await svc.exited;
  // Keep sending until the child is gone and the endpoint was removed (and a little longer).
  stopAt = Math.max(performance.now(), lb.removedAt) + 300;
  await Promise.all(load);
  await Promise.all(clients.map((c) => c.close()));
  return { tallies, exitCode: exit.code, drained: svc.messages.find((m) => m.msg === 'http server drained') };
}

describe('endpoint removal lagging SIGTERM (kube-proxy semantics), pooled clients sending throughout', () => {
  const lags: Array<[string, number]> = [
    ['lag < delay', DELAY_MS / 3],
    ['lag = delay', DELAY_MS],
    ['lag > delay', DELAY_MS * 1.5],
  ];
  for (const [label, lagMs] of lags) {
    it(`${label} (${String(lagMs)} ms, delay ${String(DELAY_MS)} ms): failures by kind`, { timeout: 60_000 }, async () => {
      const { tallies, exitCode, drained } = await scenario(lagMs);
      const names = ['undici Pool', 'node:http Agent'];
      for (const [i, t] of tallies.entries()) {
        console.info(
          `${label} (lag ${String(lagMs)} ms, delay ${String(DELAY_MS)} ms) ${names[i]!}: ${String(t.ok)} ok (${String(t.other)} by the other pod); ` +
            `failures reset ${String(t.failures.reset)}, refused ${String(t.failures.refused)}, 5xx ${String(t.failures['5xx'])}, ` +
            `timeout ${String(t.failures.timeout)}, other ${String(t.failures.other)}${t.samples.length > 0 ? ` e.g. ${t.samples.join(' | ')}` : ''}`,
        );
      }
      console.info(`${label}: exit ${String(exitCode)}; drain ${JSON.stringify(drained)}`);
      expect(exitCode).toBe(0);
      for (const t of tallies) {
        expect(t.ok).toBeGreaterThan(100);
        expect(t.other).toBeGreaterThan(0); // traffic moved to the other pod
        // The pod never answers 5xx and never leaves a request hanging, whatever the lag.
        expect({ '5xx': t.failures['5xx'], timeout: t.failures.timeout, other: t.failures.other }).toEqual({ '5xx': 0, timeout: 0, other: 0 });
        if (lagMs < DELAY_MS) expect(t.failures, t.samples.join('\n')).toEqual({ reset: 0, refused: 0, '5xx': 0, timeout: 0, other: 0 });
      }
    });
  }
});
