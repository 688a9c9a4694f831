import { authVerifier } from '../shared/auth/jwks-client.ts';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { PLATFORM_VERSION } from '../shared/version.ts';
import { createPostsApp } from './app.ts';
import { postsConfig, type configSchema } from './config.ts';

/**
 * The posts service: CRUD with cache-aside reads (Redis or memory, TTL from `cache.ttl`),
 * tokens verified locally against auth's JWKS. Demonstrates the podkit router (zod validation,
 * problem responses), custom metrics (`posts_cache_lookups_total`) and readiness on the database.
 */
export const postsService: ServiceDefinition<typeof configSchema> = {
  name: 'posts',
  version: PLATFORM_VERSION,
  config: postsConfig,
  async setup({ config, logger, metrics, openDatabase, openCache, client }) {
    const app = await createPostsApp({
      db: await openDatabase(config.database),
      cache: await openCache(config.redis),
      verifier: authVerifier(client('auth', config.auth.url)),
      logger,
      metrics,
      cacheTtlSeconds: Math.round(config.cache.ttl / 1000),
    });
    return app.router;
  },
};
