import type { Cache } from '../shared/cache/cache.ts';

/** Limits for failed logins. */
export interface LoginLimits {
  /** Failed attempts allowed per account per window. @default 5 */
  readonly perAccount: number;
  /** Failed attempts allowed per client address per window. @default 20 */
  readonly perAddress: number;
  /** Window length in seconds. @default 900 */
  readonly windowSeconds: number;
}

/** Counts failed logins per account and per client address (fixed windows in the cache). */
export interface LoginLimiter {
  /** Seconds until a blocked caller may retry, or 0 when it may try now. */
  blockedFor(username: string, address: string): Promise<number>;
  /** Records a failed attempt. */
  recordFailure(username: string, address: string): Promise<void>;
}

/** A limiter over the shared cache (Redis across replicas, memory locally). */
export function createLoginLimiter(cache: Cache, limits: LoginLimits): LoginLimiter {
  const accountKey = (u: string): string => `login-fail:user:${u.toLowerCase()}`;
  const addressKey = (a: string): string => `login-fail:addr:${a}`;
  async function count(key: string): Promise<number> {
    const v = await cache.get(key);
    return v === undefined ? 0 : Number(v);
  }
  return {
    async blockedFor(username, address) {
      const [byUser, byAddr] = await Promise.all([count(accountKey(username)), count(addressKey(address))]);
      return byUser >= limits.perAccount || byAddr >= limits.perAddress ? limits.windowSeconds : 0;
    },
    async recordFailure(username, address) {
      await Promise.all([
        cache.increment(accountKey(username), limits.windowSeconds),
        cache.increment(addressKey(address), limits.windowSeconds),
      ]);
    },
  };
}
