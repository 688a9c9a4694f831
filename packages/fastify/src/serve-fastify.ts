import type { IncomingMessage, ServerResponse } from 'node:http';
import { serve } from '@podkit/http';
import type { PodkitServer, ServeOptions, ServeService } from '@podkit/http';
import { FastifyWiringError } from './errors.ts';
import { PLUGIN_NAME } from './plugin.ts';

/** The part of a Fastify instance {@link serveFastify} uses (any `FastifyInstance` fits). */
export interface ServableFastify {
  /** Loads the plugins; resolves when the app can route. */
  ready(): PromiseLike<unknown>;
  /** Fastify's request handler (what `serverFactory` would receive). */
  readonly routing: (req: IncomingMessage, res: ServerResponse) => void;
  /** Whether a plugin of that name was registered. */
  hasPlugin(name: string): boolean;
  /** Fastify's own server, which must not be listening: podkit's server serves the app. */
  readonly server: { readonly listening: boolean };
  /** Runs the app's `onClose` hooks. */
  close(): PromiseLike<unknown>;
}

/**
 * Serves a Fastify app with podkit's {@link serve}: podkit's Node server (probes or the admin port,
 * `/metrics`, request ids and trace context, the access log, load shedding, keep-alive draining)
 * routes every request to Fastify. The service lifecycle drains it on SIGTERM, then closes the app
 * (its `onClose` hooks run after the last request). `PodkitServer.close()` does both too.
 *
 * Call it instead of `app.listen()`, after registering {@link podkitFastify} and the routes.
 * Server options (`keepAliveTimeout`, `requestTimeout`, `connectionTimeout`) given to `Fastify()`
 * do not apply: podkit's server has its own ({@link ServeOptions}).
 *
 * @throws {@link FastifyWiringError} when the plugin is missing or the app listens already
 *
 * @example
 * ```ts
 * const app = Fastify(fastifyOptions(service));
 * await app.register(podkitFastify, { service });
 * app.get('/orders/:id', async (request) => ({ id: request.params.id }));
 * await serveFastify(service, app, { port: 8080 });
 * await service.start();
 * ```
 */
export async function serveFastify(service: ServeService, app: ServableFastify, options?: ServeOptions): Promise<PodkitServer> {
  if (!app.hasPlugin(PLUGIN_NAME)) {
    throw new FastifyWiringError('the podkitFastify plugin is not registered: await app.register(podkitFastify, { service }) before your routes');
  }
  if (app.server.listening) {
    throw new FastifyWiringError('the app already listens (app.listen() was called): serveFastify() serves it on podkit\'s server; remove app.listen()');
  }
  await app.ready();
  const server = await serve(service, app.routing, options);
  let closed: Promise<void> | undefined;
  const closeApp = (): Promise<void> => (closed ??= Promise.resolve(app.close()).then(() => undefined));
  // Hooks run after the drainers: the app's onClose hooks (pools, clients) after the last request.
  service.lifecycle.addHook({ name: 'fastify', run: closeApp });
  return {
    get port() {
      return server.port;
    },
    get address() {
      return server.address;
    },
    get server() {
      return server.server;
    },
    get adminServer() {
      return server.adminServer;
    },
    get adminPort() {
      return server.adminPort;
    },
    drain: (ctx) => server.drain(ctx),
    close: async (timeoutMs) => {
      await server.close(timeoutMs);
      await closeApp();
    },
  };
}
