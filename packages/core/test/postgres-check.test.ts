/**
 * createPostgresCheck against a real PostgreSQL through `pg` (DATABASE_URL, e.g.
 * postgres://postgres@127.0.0.1:5432/postgres) and against a port nothing listens on. The
 * outage is made without stopping the server: a wrong port, and a TCP proxy that stops forwarding.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { HealthCheckTimeoutError, createHealth, createPostgresCheck, isPodkitError } from '../src/index.ts';
import type { Health } from '../src/index.ts';
import { closedPort, hostPort, startPausableProxy } from './helpers/tcp-proxy.ts';
import type { PausableProxy } from './helpers/tcp-proxy.ts';

const DATABASE_URL = process.env.DATABASE_URL;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function started(): Health {
  const health = createHealth();
  health.markStarted();
  cleanups.push(() => health.close());
  return health;
}

function pool(port: number, url = DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'): pg.Pool {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  const p = new pg.Pool({ connectionString: u.toString(), max: 2 });
  p.on('error', () => {}); // an idle client whose socket the proxy cut
  return p;
}

describe('createPostgresCheck', () => {
  it('is a readiness check by default with a 2 s timeout, and refuses liveness', () => {
    const check = createPostgresCheck({ query: () => Promise.resolve() });
    expect(check).toMatchObject({ name: 'postgres', kinds: ['readiness'], timeoutMs: 2000, critical: true });
    const liveness = (): unknown => createPostgresCheck({ query: () => Promise.resolve() }, { kinds: ['liveness'] as never });
    expect(liveness).toThrow(/kinds: a check on PostgreSQL never counts for liveness/);
    expect(() => createPostgresCheck({ query: () => Promise.resolve() }, { kinds: [] })).toThrow(/kinds: must name at least one probe/);
  });

  it('fails readiness (not liveness) when the port is wrong, with the driver error and no timeout wait', async () => {
    const health = started();
    const p = pool(await closedPort());
    cleanups.push(() => p.end());
    health.register(createPostgresCheck(p, { timeoutMs: 5000 }));
    const { postgres } = await health.run('postgres');
    expect(postgres).toMatchObject({ status: 'down', critical: true });
    expect(postgres!.error).toMatch(/ECONNREFUSED/);
    expect(postgres!.error).not.toMatch(/timed out/);
    expect(health.report('readiness').status).toBe('down');
    expect(health.report('liveness')).toMatchObject({ status: 'up', checks: {} });
  });

  it('fails at its timeout when the server accepts but never answers, and never piles up queries', async () => {
    const health = started();
    const held = new Set<Socket>();
    const silent = createServer((socket) => void held.add(socket)); // accepts, never speaks: a hung connection
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => void silent.close(() => resolve())));
    const p = pool((silent.address() as AddressInfo).port);
    cleanups.push(async () => {
      for (const socket of held) socket.destroy();
      await p.end();
    });
    let sent = 0;
    const counting = { query: (sql: string): Promise<unknown> => (sent++, p.query(sql)) };
    health.register(createPostgresCheck(counting, { timeoutMs: 300 }));
    const first = (await health.run('postgres')).postgres!;
    expect(first).toMatchObject({ status: 'down', error: new HealthCheckTimeoutError('postgres', 300).message });
    const second = (await health.run('postgres')).postgres!;
    expect(second.status).toBe('down');
    expect(second.error).toMatch(/PostgreSQL has not answered the previous check \(sent \d+ ms ago\); not sending another/);
    expect(sent).toBe(1);
    expect(health.report('readiness').status).toBe('down');
    expect(health.report('liveness').status).toBe('up');
  });

  describe.skipIf(DATABASE_URL === undefined)('with a real PostgreSQL (DATABASE_URL)', () => {
    let proxy: PausableProxy;

    it('is up through the pool, down within its timeout once the connection stops forwarding, up again after', async () => {
      proxy = await startPausableProxy(hostPort(DATABASE_URL!, 5432));
      cleanups.push(() => proxy.close());
      const p = pool(proxy.port);
      cleanups.push(async () => {
        proxy.resume();
        await p.end();
      });
      await p.query('SELECT 1'); // a warm connection: the first check does not pay the connect on a loaded machine
      const queries: Promise<unknown>[] = [];
      const tracked = { query: (sql: string): Promise<unknown> => (queries.push(p.query(sql)), queries.at(-1)!) };
      const health = started();
      health.register(createPostgresCheck(tracked, { timeoutMs: 1000 }));
      expect((await health.run('postgres')).postgres).toMatchObject({ status: 'up' });
      expect(health.report('readiness').status).toBe('up');

      proxy.pause();
      const down = (await health.run('postgres')).postgres!;
      expect(down).toMatchObject({ status: 'down', error: 'health check "postgres" timed out after 1000 ms' });
      expect(health.report('readiness').status).toBe('down');
      expect(health.report('liveness').status).toBe('up');

      proxy.resume();
      // The held query is answered once the proxy forwards again; then the next run is up.
      await queries.at(-1);
      const report = (await health.run('postgres')).postgres!;
      expect(report.status).toBe('up');
      expect(health.report('readiness').status).toBe('up');
    });

    it('reports the real server error for a bad query, as a podkit-free message', async () => {
      const p = pool(hostPort(DATABASE_URL!, 5432).port);
      cleanups.push(() => p.end());
      const health = started();
      health.register(createPostgresCheck(p, { query: 'SELECT FROM no_such_table_podkit' }));
      const { postgres } = await health.run('postgres');
      expect(postgres).toMatchObject({ status: 'down', error: 'relation "no_such_table_podkit" does not exist' });
      expect(isPodkitError(postgres)).toBe(false);
    });
  });
});
