import { statSync } from 'node:fs';
import path from 'node:path';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { exampleRoot } from '../shared/paths.ts';
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
    // Only the default build location may be missing (then the gateway serves the API only); a
    // WEB_DIR that names a missing directory is a mistyped path, not a reason to drop the front end.
    if (config.web.dir !== undefined && !statSync(config.web.dir, { throwIfNoEntry: false })?.isDirectory()) {
      return Promise.reject(new Error(`web.dir ${config.web.dir} (env WEB_DIR) is not a directory; fix the path, or unset it to serve the default build`));
    }
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
