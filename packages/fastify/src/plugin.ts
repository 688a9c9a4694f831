import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { problem, setRouteTemplate } from '@podkit/http';
import type { RouterLogger } from '@podkit/http';
import { createErrorHandler } from './error-handler.ts';
import { FastifyWiringError } from './errors.ts';
import { replyProblem } from './problem-reply.ts';

/** The plugin's name, as `app.hasPlugin()` and Fastify's plugin errors show it. */
export const PLUGIN_NAME = '@podkit/fastify';

/** Options of {@link podkitFastify}. */
export interface PodkitFastifyOptions {
  /** The service (core's `Service` fits): its `logger` receives unhandled route errors. */
  readonly service: { readonly logger: RouterLogger };
}

function onRequest(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  // Fastify's own route template (`/posts/:id`, prefixes included); unmatched requests keep none,
  // so they are counted under podkit's one `unmatched` route.
  const template = request.routeOptions.url;
  if (template !== undefined) setRouteTemplate(reply.raw, template);
  done();
}

function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const url = request.url;
  const q = url.indexOf('?');
  return replyProblem(reply, problem(404, `no route for ${request.method} ${q === -1 ? url : url.slice(0, q)}`));
}

function register(app: FastifyInstance, options: PodkitFastifyOptions, done: (err?: Error) => void): void {
  const logger = options.service?.logger;
  if (typeof logger?.error !== 'function') {
    done(new FastifyWiringError('podkitFastify needs the service: await app.register(podkitFastify, { service })'));
    return;
  }
  app.addHook('onRequest', onRequest);
  app.setErrorHandler(createErrorHandler(logger));
  app.setNotFoundHandler(notFound);
  done();
}

/**
 * The Fastify plugin of podkit. Register it before your routes (Fastify binds the error handler
 * to the routes registered after it), then serve the app with {@link serveFastify}. App-wide (not
 * encapsulated, like a `fastify-plugin` plugin), it
 *
 * - records Fastify's route template (`request.routeOptions.url`) for podkit's metrics labels,
 *   access log and span name;
 * - answers errors as RFC 9457 problems: a `ProblemError` as its problem, a 4xx error (schema
 *   validation with its `errors`, 413, 415) with its status and message, anything else 500
 *   without message or stack, logged once with the request and trace ids;
 * - answers unmatched routes with a 404 problem.
 *
 * Your own `setErrorHandler` (in a child context or on a route) still takes precedence there.
 *
 * @example
 * ```ts
 * const app = Fastify(fastifyOptions(service));
 * await app.register(podkitFastify, { service });
 * app.get('/posts/:id', async (request) => posts.get(request.params.id));
 * await serveFastify(service, app, { port: 8080 });
 * ```
 */
export const podkitFastify: FastifyPluginCallback<PodkitFastifyOptions> = Object.assign(register, {
  // What fastify-plugin sets: no encapsulation (hooks and handlers apply app-wide), a name for
  // app.hasPlugin() and error messages, and the Fastify versions it supports.
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: PLUGIN_NAME,
  [Symbol.for('plugin-meta')]: { name: PLUGIN_NAME, fastify: '5.x' },
});
