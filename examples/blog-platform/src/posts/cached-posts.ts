import type { Cache } from '../shared/cache/cache.ts';
import type { Post, PostStore } from './store.ts';

/** Cache lookups by outcome. */
export type CacheOutcome = 'hit' | 'miss' | 'error';

/** Options for {@link createCachedPosts}. */
export interface CachedPostsOptions {
  readonly store: PostStore;
  readonly cache: Cache;
  /** TTL of a cached post in seconds (config `cache.ttl`). */
  readonly ttlSeconds: number;
  /** Called for each cache lookup (a metrics counter). */
  readonly onLookup?: (outcome: CacheOutcome) => void;
  /** Called when the cache fails (the read falls back to the database). */
  readonly onCacheError?: (err: unknown) => void;
}

/**
 * Cache-aside reads of single posts: the serialized post is kept under `post:<id>` for
 * `ttlSeconds` and deleted on every write, so readers never see a stale post after the
 * writer's response. A cache outage degrades to database reads, never to errors.
 * `getJson` returns the serialized form, so a cache hit is served without parsing.
 */
export interface CachedPosts {
  getJson(id: string): Promise<string | undefined>;
  invalidate(id: string): Promise<void>;
}

/** Builds the cache-aside reader over a store and a cache. */
export function createCachedPosts(options: CachedPostsOptions): CachedPosts {
  const { store, cache, ttlSeconds } = options;
  const key = (id: string): string => `post:${id}`;
  return {
    async getJson(id) {
      try {
        const hit = await cache.get(key(id));
        if (hit !== undefined) {
          options.onLookup?.('hit');
          return hit;
        }
        options.onLookup?.('miss');
      } catch (err) {
        options.onLookup?.('error');
        options.onCacheError?.(err);
      }
      const post: Post | undefined = await store.get(id);
      if (post === undefined) return undefined;
      const json = JSON.stringify(post);
      cache.set(key(id), json, ttlSeconds).catch((err: unknown) => options.onCacheError?.(err));
      return json;
    },
    async invalidate(id) {
      try {
        await cache.delete(key(id));
      } catch (err) {
        options.onCacheError?.(err);
      }
    },
  };
}
