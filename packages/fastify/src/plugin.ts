import type { FastifyBaseLogger, FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { problem, setRouteTemplate } from '@podkit/http';
import type { RouterLogger } from '@podkit/http';
import { createErrorHandler } from './error-handler.ts';
import { FastifyWiringError } from './errors.ts';
import { replyProblem } from './problem-reply.ts';

/** The plugin's name, as `app.hasPlugin()` and Fastify's plugin errors show it. */
export const PLUGIN_NAME = '@podkit/fastify';

/** Options of {@link podkitFastify}. */
export interface PodkitFastifyOptions {
  /**
   * The service (core's `Service` fits): its `logger` receives unhandled route errors and, with
   * Fastify's own logger off, becomes `app.log`, `request.log` and `reply.log`.
   */
  readonly service: { readonly logger: RouterLogger };
}

function onRequest(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  // Fastify's own route template (`/posts/:id`, prefixes included); unmatched requests keep none,
  // so they are counted under podkit's one `unmatched` route.
  const template = request.routeOptions.url;
  if (template !== undefined) setRouteTemplate(reply.raw, template);
  done();
}

/** {@link onRequest}, and `request.log` / `reply.log` set to the service logger. */
function onRequestWithLogger(logger: FastifyBaseLogger): typeof onRequest {
  return function onRequestLogged(request, reply, done) {
    request.log = logger;
    reply.log = logger;
    const template = request.routeOptions.url;
    if (template !== undefined) setRouteTemplate(reply.raw, template);
    done();
  };
}

/** Whether `logger` has what Fastify calls on a logger (core's `Logger`, pino, does). */
function isFastifyLogger(logger: RouterLogger): logger is RouterLogger & FastifyBaseLogger {
  const l = logger as unknown as Record<string, unknown>;
  return ['info', 'error', 'debug', 'fatal', 'warn', 'trace', 'child'].every((m) => typeof l[m] === 'function');
}

/**
 * Whether `log` is Fastify's null logger (`abstract-logging`, what `app.log` is with Fastify's
 * logger off): no level, and a `child()` that returns itself.
 */
function isNullLogger(log: FastifyBaseLogger): boolean {
  return (log as { level?: unknown }).level === undefined && log.child({}) === log;
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
  // With Fastify's logger off (its default), app.log, request.log and reply.log become the service
  // logger: Fastify then takes its fast path (no per-request child logger, validation and response
  // listeners: about 4 µs per request), and the lines still carry request_id and the trace ids
  // (from the request context). An app given a logger of its own keeps it.
  if (isNullLogger(app.log) && isFastifyLogger(logger)) {
    (app as { log: FastifyBaseLogger }).log = logger;
    app.addHook('onRequest', onRequestWithLogger(logger));
  } else {
    app.addHook('onRequest', onRequest);
  }
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
 * - makes `app.log`, `request.log` and `reply.log` the service logger (JSON, redaction,
 *   `request_id` and trace ids from the request context) when Fastify's own logger is off, its
 *   default; an app given a logger of its own (`logger`, `loggerInstance`) keeps it;
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
