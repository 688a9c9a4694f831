import path from 'node:path';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { exampleRoot } from '../shared/db/open.ts';
import { PLATFORM_VERSION } from '../shared/version.ts';
import { createGatewayListener } from './app.ts';
import { gatewayConfig, type configSchema } from './config.ts';

/**
 * The gateway: `/api/<service>/*` streamed to the services through one podkit client each
 * (breaker per replica, safe retries, request id and trace context), the front end at `/`.
 * No access log by default: every microsecond counts on the hot path (metrics still count
 * every request by route template).
 */
export const gatewayService: ServiceDefinition<typeof configSchema> = {
  name: 'gateway',
  version: PLATFORM_VERSION,
  config: gatewayConfig,
  accessLog: false,
  setup({ config, logger, client }) {
    const options = { timeouts: { headersMs: config.upstream.timeout } };
    return Promise.resolve(
      createGatewayListener({
        clients: {
          auth: client('auth', config.auth.url, options),
          posts: client('posts', config.posts.url, options),
          comments: client('comments', config.comments.url, options),
          images: client('images', config.images.url, options),
        },
        logger,
        webDir: config.web.dir ?? path.join(exampleRoot, 'web', 'dist'),
      }),
    );
  },
};
