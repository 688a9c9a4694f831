import type { Cache } from '../shared/cache/cache.ts';

/** Limits for logins. */
export interface LoginLimits {
  /**
   * Password checks (failed, or in flight) allowed per account from one client address per
   * window. Keyed by account and address, so failures from one address never lock the account
   * for others. @default 5
   */
  readonly perAccount: number;
  /** Password checks (failed, or in flight) allowed per client address per window, over all accounts. @default 20 */
  readonly perAddress: number;
  /** Window length in seconds. @default 900 */
  readonly windowSeconds: number;
}

/** The outcome of {@link LoginLimiter.reserve}. */
export type LoginReservation =
  | {
      readonly allowed: true;
      /** The password was right: gives the slot back (a success never counts as a failure). */
      release(): Promise<void>;
    }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

/**
 * Limits password checks per (account, client address) and per client address, with fixed
 * windows in the shared cache (Redis across replicas, memory locally).
 */
export interface LoginLimiter {
  /**
   * Reserves one password check BEFORE it happens, with atomic counters: of any number of
   * concurrent attempts, at most the configured number are allowed per window. A failed check
   * keeps its slot; call `release()` after a successful one.
   */
  reserve(username: string, address: string): Promise<LoginReservation>;
}

/** A limiter over the shared cache. */
export function createLoginLimiter(cache: Cache, limits: LoginLimits): LoginLimiter {
  const window = limits.windowSeconds;
  return {
    async reserve(username, address) {
      const pair = `login:pair:${username.toLowerCase()}|${address}`;
      const addr = `login:addr:${address}`;
      const [byPair, byAddr] = await Promise.all([cache.increment(pair, window), cache.increment(addr, window)]);
      const release = async (): Promise<void> => {
        await Promise.all([cache.decrement(pair), cache.decrement(addr)]);
      };
      if (byPair > limits.perAccount || byAddr > limits.perAddress) {
        // over the limit: this attempt takes no slot (so it never uses up the address's budget)
        await release();
        return { allowed: false, retryAfterSeconds: window };
      }
      return { allowed: true, release };
    },
  };
}
