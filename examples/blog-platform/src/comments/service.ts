import { authVerifier } from '../shared/auth/jwks-client.ts';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { PLATFORM_VERSION } from '../shared/version.ts';
import { createCommentsApp } from './app.ts';
import { commentsConfig, type configSchema } from './config.ts';
import { createPostLookup } from './post-lookup.ts';

/**
 * The comments service: creating a comment checks the post through a podkit client to posts
 * (breaker per replica: when posts is down, 503 at once instead of waiting on timeouts).
 */
export const commentsService: ServiceDefinition<typeof configSchema> = {
  name: 'comments',
  version: PLATFORM_VERSION,
  config: commentsConfig,
  async setup({ config, logger, openDatabase, client }) {
    const app = await createCommentsApp({
      db: await openDatabase(config.database),
      verifier: authVerifier(client('auth', config.auth.url)),
      postExists: createPostLookup(client('posts', config.posts.url)),
      logger,
    });
    return app.router;
  },
};
