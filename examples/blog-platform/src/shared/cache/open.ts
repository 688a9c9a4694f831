import type { Cache } from './cache.ts';
import { createMemoryCache } from './memory.ts';

/** Options for {@link openCache}. */
export interface OpenCacheOptions {
  /** `redis://` URL; unset → in-memory cache. */
  readonly url?: string | undefined;
  /** Key prefix (e.g. `posts:`). */
  readonly prefix?: string;
  /** Redis connection errors (logged by the caller). */
  readonly onError?: (err: Error) => void;
}

/** Opens Redis when a URL is given, an in-memory cache otherwise: same interface. The Redis client (about 10 MiB) is loaded only when used. */
export async function openCache(options: OpenCacheOptions): Promise<Cache> {
  if (options.url !== undefined && options.url !== '') {
    const { openRedisCache } = await import('./redis.ts');
    return openRedisCache({
      url: options.url,
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      ...(options.onError === undefined ? {} : { onError: options.onError }),
    });
  }
  return createMemoryCache(options.prefix === undefined ? {} : { prefix: options.prefix });
}
