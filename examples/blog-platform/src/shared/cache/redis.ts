// @redis/client, not redis: the same client without the Bloom, JSON, Search and TimeSeries
// modules it would load on every start and never use (169 files, about 1 MiB of RSS)
import { createClient } from '@redis/client';
import type { Cache } from './cache.ts';

/** Decrements a counter only while it exists (keeping its TTL), never below 0: one atomic step. */
const DECREMENT_IF_PRESENT = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if tonumber(v) <= 0 then return 0 end
return redis.call('DECR', KEYS[1])
`;

/** Options for {@link openRedisCache}. */
export interface RedisCacheOptions {
  /** `redis://` URL. */
  readonly url: string;
  /** Prefix added to every key (one per service; tests add a unique one). @default '' */
  readonly prefix?: string;
  /** Called when the connection reports an error (it reconnects by itself). */
  readonly onError?: (err: Error) => void;
}

/**
 * Connects to Redis with node-redis. Commands fail fast while disconnected (no offline queue),
 * so a Redis outage degrades to cache misses rather than piling up requests.
 */
export async function openRedisCache(options: RedisCacheOptions): Promise<Cache> {
  const prefix = options.prefix ?? '';
  const client = createClient({
    url: options.url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 5_000, reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000) },
  });
  client.on('error', (err: Error) => options.onError?.(err));
  await client.connect();
  return {
    kind: 'redis',
    async get(key) {
      const v = await client.get(prefix + key);
      return v ?? undefined;
    },
    async set(key, value, ttlSeconds) {
      await client.set(prefix + key, value, { expiration: { type: 'EX', value: Math.max(1, Math.ceil(ttlSeconds)) } });
    },
    async delete(key) {
      await client.del(prefix + key);
    },
    async increment(key, windowSeconds) {
      const k = prefix + key;
      const [count] = await client
        .multi()
        .incr(k)
        .expire(k, Math.max(1, Math.ceil(windowSeconds)), 'NX')
        .exec();
      return Number(count);
    },
    async decrement(key) {
      const n = await client.eval(DECREMENT_IF_PRESENT, { keys: [prefix + key] });
      return Number(n);
    },
    async ping() {
      await client.ping();
    },
    close() {
      if (client.isOpen) client.destroy();
      return Promise.resolve();
    },
  };
}
