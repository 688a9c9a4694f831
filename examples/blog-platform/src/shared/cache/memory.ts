import type { Cache } from './cache.ts';

/** Options for {@link createMemoryCache}. */
export interface MemoryCacheOptions {
  /** Prefix added to every key (keeps tests apart, like the Redis prefix). @default '' */
  readonly prefix?: string;
  /** Entries kept at most; the oldest written is evicted first. @default 10000 */
  readonly maxEntries?: number;
  /** Clock in epoch ms (inject in tests). @default Date.now */
  readonly now?: () => number;
}

interface Entry {
  value: string;
  expiresAt: number;
}

/** An in-process cache with TTLs and a size bound; expiry is checked on read. */
export function createMemoryCache(options: MemoryCacheOptions = {}): Cache {
  const prefix = options.prefix ?? '';
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const e = entries.get(key);
    if (e === undefined) return undefined;
    if (e.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return e;
  }
  function put(key: string, entry: Entry): void {
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
  }

  return {
    kind: 'memory',
    get(key) {
      return Promise.resolve(live(prefix + key)?.value);
    },
    set(key, value, ttlSeconds) {
      put(prefix + key, { value, expiresAt: now() + ttlSeconds * 1000 });
      return Promise.resolve();
    },
    delete(key) {
      entries.delete(prefix + key);
      return Promise.resolve();
    },
    increment(key, windowSeconds) {
      const k = prefix + key;
      const e = live(k);
      if (e === undefined) {
        put(k, { value: '1', expiresAt: now() + windowSeconds * 1000 });
        return Promise.resolve(1);
      }
      const n = Number(e.value) + 1;
      e.value = String(n);
      return Promise.resolve(n);
    },
    decrement(key) {
      const e = live(prefix + key);
      if (e === undefined) return Promise.resolve(0);
      const n = Math.max(0, Number(e.value) - 1);
      e.value = String(n);
      return Promise.resolve(n);
    },
    ping() {
      return Promise.resolve();
    },
    close() {
      entries.clear();
      return Promise.resolve();
    },
  };
}
