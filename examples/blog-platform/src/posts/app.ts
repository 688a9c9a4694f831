import type { Logger, Metrics } from '@podkit/core';
import type { Router } from '@podkit/http';
import type { TokenVerifier } from '../shared/auth/verifier.ts';
import type { Cache } from '../shared/cache/cache.ts';
import type { Database } from '../shared/db/database.ts';
import { withInputErrors } from '../shared/db/input-errors.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createAuthenticate } from '../shared/http/authenticate.ts';
import { createCachedPosts } from './cached-posts.ts';
import { migrations } from './migrations.ts';
import { postsRoutes } from './routes.ts';
import { createPostStore } from './store.ts';

/** What the posts service is made of. */
export interface PostsAppOptions {
  readonly db: Database;
  readonly cache: Cache;
  readonly verifier: TokenVerifier;
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
  readonly cacheTtlSeconds: number;
}

/** Migrates the posts schema and builds the routes. */
export async function createPostsApp(o: PostsAppOptions): Promise<{ router: Router }> {
  await migrate(o.db, migrations);
  const lookups = o.metrics?.counter({
    name: 'posts_cache_lookups_total',
    help: 'Post cache lookups by result (hit, miss, error)',
    labelNames: ['result'],
  });
  const cached = createCachedPosts({
    store: createPostStore(withInputErrors(o.db)),
    cache: o.cache,
    ttlSeconds: o.cacheTtlSeconds,
    onLookup: lookups === undefined ? undefined : (result) => lookups.inc({ result }),
    onCacheError: (err) => o.logger.warn({ err }, 'post cache unavailable; reading from the database'),
  });
  const router = postsRoutes({ store: createPostStore(withInputErrors(o.db)), cached, authenticate: createAuthenticate(o.verifier, o.logger), logger: o.logger });
  return { router };
}
