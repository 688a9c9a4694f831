import { createDependencyCheck } from './dependency-check.ts';
import type { DependencyCheckOptions } from './dependency-check.ts';
import type { HealthCheckDefinition } from './types.ts';

/**
 * What {@link createRedisCheck} needs from a Redis client: a `redis` (node-redis v4 and later)
 * client and an `ioredis` client both fit. Structural, so podkit adds no dependency on a driver.
 */
export interface RedisPingable {
  /** Sends `PING`; the check passes when the promise resolves. */
  ping(): Promise<unknown>;
  /** node-redis: `false` while the client is not connected (reconnecting, closed). */
  readonly isReady?: boolean;
  /** ioredis: the connection state; anything but `ready` fails the check at once. */
  readonly status?: string;
}

/** Options of {@link createRedisCheck}. */
export interface RedisCheckOptions extends DependencyCheckOptions {
  /** @default 'redis' */
  readonly name?: string;
  /** @default 1000 (a `PING` answers in well under a millisecond in a cluster) */
  readonly timeoutMs?: number;
}

/**
 * A readiness check that sends `PING` to Redis. It fails at once when the client says it is not
 * connected (node-redis `isReady`, ioredis `status`: both clients otherwise queue the command
 * until they reconnect), and after `timeoutMs` when the connection is up but Redis does not
 * answer. Never counts for liveness. While a `PING` it sent is unanswered, the next run fails
 * at once instead of queueing another.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * const redis = await createClient({ url }).connect();
 * service.health.register(createRedisCheck(redis, { critical: false })); // a cache: degraded, not down
 * ```
 */
export function createRedisCheck(client: RedisPingable, options: RedisCheckOptions = {}): HealthCheckDefinition {
  return createDependencyCheck({ label: 'Redis', ...options, name: options.name ?? 'redis', timeoutMs: options.timeoutMs ?? 1000 }, () => {
    if (client.isReady === false) throw new Error('Redis client is not connected (isReady: false)');
    if (typeof client.status === 'string' && client.status !== 'ready') {
      throw new Error(`Redis client is not connected (status: ${client.status})`);
    }
    return client.ping();
  });
}
