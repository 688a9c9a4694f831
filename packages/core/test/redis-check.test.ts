/**
 * createRedisCheck with both drivers, `redis` (node-redis) and `ioredis`, against a real Redis
 * (REDIS_URL, e.g. redis://127.0.0.1:6379/9) and against a port nothing listens on. The outage is
 * made without stopping the server: a wrong port, and a TCP proxy that stops forwarding.
 */
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, createRedisCheck } from '../src/index.ts';
import type { Health, RedisPingable } from '../src/index.ts';
import { closedPort, hostPort, startPausableProxy } from './helpers/tcp-proxy.ts';

const REDIS_URL = process.env.REDIS_URL;
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function started(): Health {
  const health = createHealth();
  health.markStarted();
  cleanups.push(() => health.close());
  return health;
}

/** A connected client of either driver on 127.0.0.1:`port`. */
type Driver = 'redis' | 'ioredis';
async function connected(driver: Driver, port: number): Promise<RedisPingable> {
  if (driver === 'redis') {
    const client = createClient({ socket: { host: '127.0.0.1', port, reconnectStrategy: false } });
    client.on('error', () => {});
    await client.connect();
    cleanups.push(() => client.destroy());
    return client;
  }
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: () => null });
  client.on('error', () => {});
  await client.connect();
  cleanups.push(() => client.disconnect());
  return client;
}

describe('createRedisCheck', () => {
  it('is a readiness check by default with a 1 s timeout, and refuses liveness', () => {
    const client = { ping: () => Promise.resolve('PONG') };
    expect(createRedisCheck(client)).toMatchObject({ name: 'redis', kinds: ['readiness'], timeoutMs: 1000, critical: true });
    expect(createRedisCheck(client, { name: 'cache', critical: false, kinds: ['readiness', 'startup'] })).toMatchObject({
      name: 'cache',
      critical: false,
      kinds: ['readiness', 'startup'],
    });
    expect(() => createRedisCheck(client, { kinds: ['readiness', 'liveness'] as never })).toThrow(/kinds: a check on Redis never counts for liveness/);
  });

  it('fails at once for a node-redis client that is not connected (wrong port), liveness up', async () => {
    const health = started();
    const client = createClient({ socket: { host: '127.0.0.1', port: await closedPort(), reconnectStrategy: false } });
    client.on('error', () => {});
    await expect(client.connect()).rejects.toThrow(/ECONNREFUSED/);
    health.register(createRedisCheck(client, { timeoutMs: 5000 }));
    const { redis } = await health.run('redis');
    expect(redis).toMatchObject({ status: 'down', error: 'Redis client is not connected (isReady: false)' });
    expect(health.report('readiness').status).toBe('down');
    expect(health.report('liveness').status).toBe('up');
  });

  it('fails at once for an ioredis client that is not connected (wrong port), liveness up', async () => {
    const health = started();
    // ioredis's defaults: it retries the connection for ever and queues commands meanwhile.
    const client = new Redis({ host: '127.0.0.1', port: await closedPort() });
    cleanups.push(() => client.disconnect());
    await new Promise((resolve) => client.once('error', resolve)); // ECONNREFUSED, now reconnecting
    health.register(createRedisCheck(client, { timeoutMs: 5000 }));
    const { redis } = await health.run('redis');
    expect(redis!.status).toBe('down');
    expect(redis!.error).toMatch(/^Redis client is not connected \(status: (connecting|reconnecting)\)$/);
    expect(health.report('readiness').status).toBe('down');
    expect(health.report('liveness').status).toBe('up');
  });

  describe.skipIf(REDIS_URL === undefined).each<Driver>(['redis', 'ioredis'])('%s with a real Redis (REDIS_URL)', (driver) => {
    it('is up, down within its timeout once the connection stops forwarding (one PING outstanding), up after', async () => {
      const proxy = await startPausableProxy(hostPort(REDIS_URL!, 6379));
      cleanups.push(() => proxy.close());
      const client = await connected(driver, proxy.port);
      cleanups.push(() => proxy.resume());
      const pings: Promise<unknown>[] = [];
      const tracked = { ping: (): Promise<unknown> => (pings.push(client.ping()), pings.at(-1)!) };
      const health = started();
      health.register(createRedisCheck(tracked, { timeoutMs: 1000 }));
      expect((await health.run('redis')).redis).toMatchObject({ status: 'up' });
      expect(health.report('readiness').status).toBe('up');

      proxy.pause();
      expect((await health.run('redis')).redis).toMatchObject({ status: 'down', error: 'health check "redis" timed out after 1000 ms' });
      const again = (await health.run('redis')).redis!;
      expect(again.error).toMatch(/^Redis has not answered the previous check/);
      expect(pings).toHaveLength(2);
      expect(health.report('readiness').status).toBe('down');
      expect(health.report('liveness').status).toBe('up');

      proxy.resume();
      await pings.at(-1);
      expect((await health.run('redis')).redis).toMatchObject({ status: 'up' });
      expect(health.report('readiness').status).toBe('up');
    });
  });
});
