/**
 * A small key-value cache with TTLs: Redis when `REDIS_URL` is set, memory otherwise.
 * Same interface and behaviour; values are strings (callers serialize).
 */
export interface Cache {
  /** Which backend holds the values. */
  readonly kind: 'redis' | 'memory';
  /** The value under `key`, or `undefined` when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` under `key` for `ttlSeconds`. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /**
   * Increments a fixed-window counter and returns its new value; the window (TTL) starts at
   * the first increment and is not extended by later ones. Used for rate limiting.
   */
  increment(key: string, windowSeconds: number): Promise<number>;
  /**
   * Takes one back from a counter made by {@link Cache.increment}, atomically, keeping its
   * window; does nothing (and never creates a key) once the window has ended. Returns the new
   * value, 0 when the counter is gone. Used to release a reserved rate-limit slot.
   */
  decrement(key: string): Promise<number>;
  /** A cheap round trip for readiness. */
  ping(): Promise<void>;
  /** Releases the connection (Redis) or the entries (memory). */
  close(): Promise<void>;
}
