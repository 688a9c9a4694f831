import type { Cache } from '../shared/cache/cache.ts';

/** Limits for registrations. */
export interface RegistrationLimits {
  /** Registrations allowed per client address per window (successful or not). @default 10 */
  readonly perAddress: number;
  /** Window length in seconds. @default 3600 */
  readonly windowSeconds: number;
}

/** Counts registrations per client address (a fixed window in the shared cache). */
export interface RegistrationLimiter {
  /**
   * Takes one registration slot for `address` atomically, before any work (the password hash):
   * of any number of concurrent registrations from one address, at most `perAddress` proceed.
   * Returns 0 when allowed, else the seconds to wait.
   */
  reserve(address: string): Promise<number>;
}

/** A registration limiter over the shared cache (Redis across replicas, memory locally). */
export function createRegistrationLimiter(cache: Cache, limits: RegistrationLimits): RegistrationLimiter {
  return {
    async reserve(address) {
      const key = `register:addr:${address}`;
      const n = await cache.increment(key, limits.windowSeconds);
      if (n <= limits.perAddress) return 0;
      await cache.decrement(key);
      return limits.windowSeconds;
    },
  };
}
