import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestContext, runWithRequestContext } from '@podkit/core';
import type FindMyWay from 'find-my-way';
import type { HTTPMethod } from 'find-my-way';
import type { RequestContext } from '@podkit/core';
import { HttpOptionsError, isProblemError } from '../server/errors.ts';
import { problem, sendProblem } from '../server/problem.ts';
import { setRouteTemplate } from '../server/route-template.ts';
import { readJsonBody } from './body.ts';
import type { BodyLimits } from './body.ts';
import { sendResult } from './reply.ts';
import { DEFAULT_MAX_JSON_DEPTH } from './safe-json.ts';
import type { RouteHandler, RouteMethod, RouteSchemas } from './types.ts';
import { validate } from './validate.ts';
import { compiledSchema } from './compile.ts';
import { isUpstreamCallError, sendUpstreamProblem } from '../proxy/upstream-problem.ts';
import { loadFindMyWay } from './find-my-way.ts';

/** The part of a logger the router uses to report handler failures (a pino `Logger` fits). */
export interface RouterLogger {
  error(obj: object, msg: string): void;
}

/** Options of {@link createRouter}. */
export interface RouterOptions {
  /** Largest accepted JSON body in bytes (413 beyond). @default 1048576 (1 MiB) */
  bodyLimitBytes?: number;
  /** Deepest accepted nesting in a JSON body (400 beyond). @default 32 */
  maxJsonDepth?: number;
  /** Whether `/a/` matches `/a`. @default true */
  ignoreTrailingSlash?: boolean;
  /** Where unexpected handler errors are logged; `serve()` supplies the service logger. */
  logger?: RouterLogger;
  /**
   * Whether each route's zod schemas are compiled when the route is registered (`z.compile`,
   * zod ≥ 4.5): a generated check of valid input, with the same output and the same issues (so
   * the same problem responses) as zod's runtime parser, about 5× cheaper on an object schema.
   * Skipped when zod is configured `jitless` or cannot compile a schema. Off, every parse uses
   * zod's runtime parser. A refinement or transform of a compiled schema runs twice on invalid
   * input (the fast path, then the runtime parser for the issues): keep them free of side effects.
   * @default true
   */
  compileSchemas?: boolean;
}

interface RouteEntry {
  readonly path: string;
  readonly schemas: RouteSchemas;
  readonly handler: RouteHandler<RouteSchemas>;
  readonly simple: boolean;
  readonly maxDeadlineMs: number | undefined;
}

type Found = { store: RouteEntry; params: Record<string, string | undefined>; searchParams: Record<string, string> };

const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * A small router on find-my-way (Fastify's router): zod-validated params, query and JSON body,
 * typed handlers, JSON responses and RFC 9457 problem responses (400, 404, 405, 413, 415, 500),
 * never a stack trace. Pass it to `serve()`, or use {@link Router.listener} with any Node server.
 * Create it with {@link createRouter}.
 */
export class Router {
  /** A Node request listener dispatching to this router (bound; pass it anywhere). */
  readonly listener: (req: IncomingMessage, res: ServerResponse) => void;
  #fmw: FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;
  #limits: BodyLimits;
  #logger: RouterLogger | undefined;
  #compileSchemas: boolean;
  #methods = new Set<RouteMethod>();

  /** @param options - see {@link RouterOptions} */
  constructor(options: RouterOptions = {}) {
    const maxBytes = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT;
    if (!Number.isInteger(maxBytes) || maxBytes < 0) {
      throw new HttpOptionsError('bodyLimitBytes', `expected a non-negative integer, got ${String(maxBytes)}`);
    }
    const maxDepth = options.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
    if (!Number.isInteger(maxDepth) || maxDepth < 1) {
      throw new HttpOptionsError('maxJsonDepth', `expected a positive integer, got ${String(maxDepth)}`);
    }
    this.#limits = { maxBytes, maxDepth };
    this.#logger = options.logger;
    this.#compileSchemas = options.compileSchemas ?? true;
    this.#fmw = loadFindMyWay()({ ignoreTrailingSlash: options.ignoreTrailingSlash ?? true, ignoreDuplicateSlashes: true });
    this.listener = (req, res) => this.#dispatch(req, res);
  }

  /** Registers a GET route (HEAD is answered by it too unless registered separately). */
  get<S extends RouteSchemas>(path: string, schemas: S, handler: RouteHandler<S>): this {
    return this.route('GET', path, schemas, handler);
  }

  /** Registers a POST route. */
  post<S extends RouteSchemas>(path: string, schemas: S, handler: RouteHandler<S>): this {
    return this.route('POST', path, schemas, handler);
  }

  /** Registers a PUT route. */
  put<S extends RouteSchemas>(path: string, schemas: S, handler: RouteHandler<S>): this {
    return this.route('PUT', path, schemas, handler);
  }

  /** Registers a PATCH route. */
  patch<S extends RouteSchemas>(path: string, schemas: S, handler: RouteHandler<S>): this {
    return this.route('PATCH', path, schemas, handler);
  }

  /** Registers a DELETE route. */
  delete<S extends RouteSchemas>(path: string, schemas: S, handler: RouteHandler<S>): this {
    return this.route('DELETE', path, schemas, handler);
  }

  /**
   * Registers a route for `method` at `path` (find-my-way syntax: `/posts/:id`, `/files/*`).
   *
   * @example
   * ```ts
   * router.route('GET', '/posts/:id', { params: z.object({ id: z.uuid() }) }, ({ params }) => repo.get(params.id));
   * ```
   */
  route<S extends RouteSchemas>(method: RouteMethod, path: string, schemas: S, handler: RouteHandler<S>): this {
    const max = schemas.maxDeadlineMs;
    if (max !== undefined && (!Number.isInteger(max) || max <= 0)) {
      throw new HttpOptionsError('maxDeadlineMs', `of ${method} ${path}: expected a positive integer, got ${String(max)}`);
    }
    const entry: RouteEntry = {
      path,
      maxDeadlineMs: max,
      schemas: this.#compileSchemas ? compiledSchemas(schemas) : schemas,
      handler: handler,
      simple: schemas.params === undefined && schemas.query === undefined && schemas.body === undefined,
    };
    this.#fmw.on(method, path, noop, entry);
    this.#methods.add(method);
    if (method === 'GET' && this.#fmw.find('HEAD', path) === null) {
      this.#fmw.on('HEAD', path, noop, entry);
      this.#methods.add('HEAD');
    }
    return this;
  }

  /** Sets the logger for unexpected handler errors if none was given. @internal */
  useLoggerIfUnset(logger: RouterLogger): void {
    this.#logger ??= logger;
  }

  #dispatch(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const method = (req.method ?? 'GET') as HTTPMethod;
    const found = this.#fmw.find(method, url) as Found | null;
    if (found === null) {
      this.#miss(method, url, res);
      return;
    }
    const entry = found.store;
    setRouteTemplate(res, entry.path);
    if (entry.maxDeadlineMs === undefined) this.#run(entry, found, req, res);
    else runWithRequestContext(routeContext(res, entry.maxDeadlineMs), () => this.#run(entry, found, req, res));
  }

  #run(entry: RouteEntry, found: Found, req: IncomingMessage, res: ServerResponse): void {
    try {
      if (entry.simple) {
        this.#call(entry, found.params, found.searchParams, undefined, req, res);
        return;
      }
      const { schemas } = entry;
      const params = schemas.params ? validate(schemas.params, found.params, 'params') : found.params;
      const query = schemas.query ? validate(schemas.query, found.searchParams, 'query') : found.searchParams;
      if (schemas.body === undefined) {
        this.#call(entry, params, query, undefined, req, res);
        return;
      }
      const bodySchema = schemas.body;
      // One promise, its reaction registered here: the request's 'end' event fires in the
      // connection's async context, and a promise reaction runs in the context it was registered
      // in (podkit's request context, the active span, any caller's AsyncLocalStorage), at the
      // cost of one microtask (AsyncLocalStorage.snapshot() measured ~15 % of the whole request).
      readJsonBody(req, res, this.#limits).then(
        (value) => {
          try {
            this.#call(entry, params, query, validate(bodySchema, value, 'body'), req, res);
          } catch (failure) {
            this.#fail(req, res, failure);
          }
        },
        (err: unknown) => this.#fail(req, res, err),
      );
    } catch (err) {
      this.#fail(req, res, err);
    }
  }

  /**
   * Calls the handler and sends its result, awaited only when it is a promise or another thenable
   * (a query builder). Throws what a synchronous handler throws.
   */
  #call(entry: RouteEntry, params: unknown, query: unknown, body: unknown, req: IncomingMessage, res: ServerResponse): void {
    const result: unknown = entry.handler({ params, query, body, req, res, route: entry.path } as never);
    if (isThenable(result)) {
      result.then((value) => this.#send(req, res, value), (err: unknown) => this.#fail(req, res, err));
    } else {
      this.#send(req, res, result);
    }
  }

  /** Sends a handler's result; a result that cannot be sent (a BigInt, a cycle) becomes a 500. */
  #send(req: IncomingMessage, res: ServerResponse, value: unknown): void {
    try {
      sendResult(res, value);
    } catch (err) {
      this.#fail(req, res, err);
    }
  }

  #miss(method: string, url: string, res: ServerResponse): void {
    const allowed: string[] = [];
    for (const m of this.#methods) if (m !== method && this.#fmw.find(m, url) !== null) allowed.push(m);
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (allowed.length === 0) {
      sendProblem(res, problem(404, `no route for ${method} ${path}`));
    } else {
      sendProblem(res, problem(405, `${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`), { allow: allowed.join(', ') });
    }
  }

  #fail(req: IncomingMessage, res: ServerResponse, err: unknown): void {
    if (isProblemError(err)) {
      sendProblem(res, err.problem, err.headers);
      return;
    }
    // A podkit client call the handler did not catch: the upstream failed, not this server (503
    // or 504 with x-podkit-no-retry, as the proxy answers), never a 500.
    if (isUpstreamCallError(err)) {
      const reason = sendUpstreamProblem(res, 'an upstream service', err);
      if (reason !== 'client went away') this.#logger?.error({ err, reason, method: req.method, route: (res as { podkitRoute?: string }).podkitRoute }, 'upstream call failed');
      return;
    }
    this.#logger?.error({ err, method: req.method, route: (res as { podkitRoute?: string }).podkitRoute }, 'request handler failed');
    sendProblem(res, problem(500, 'the server failed to handle the request'));
  }
}

function noop(): void {}

/** A route's schemas, each with zod's compiled fast path (see {@link compiledSchema}). */
function compiledSchemas(schemas: RouteSchemas): RouteSchemas {
  const compiled: RouteSchemas = { ...schemas };
  if (schemas.params !== undefined) compiled.params = compiledSchema(schemas.params);
  if (schemas.query !== undefined) compiled.query = compiledSchema(schemas.query);
  if (schemas.body !== undefined) compiled.body = compiledSchema(schemas.body);
  return compiled;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * The request context with the route's cap in place of the server's: measured from the request's
 * arrival, and never beyond the caller's own budget (both kept by `serve()` on the response).
 */
function routeContext(res: ServerResponse, maxMs: number): RequestContext {
  const r = res as { podkitArrivedAt?: number; podkitCallerBudgetMs?: number | undefined };
  const arrived = r.podkitArrivedAt !== undefined && r.podkitArrivedAt > 0 ? r.podkitArrivedAt : Date.now();
  const budget = r.podkitCallerBudgetMs;
  const deadline = arrived + (budget === undefined || budget > maxMs ? maxMs : budget);
  const ctx = getRequestContext();
  return ctx === undefined ? { requestId: '', deadline } : { ...ctx, deadline };
}

/**
 * Creates a {@link Router}.
 *
 * @example
 * ```ts
 * const router = createRouter()
 *   .get('/posts/:id', { params: z.object({ id: z.string() }) }, ({ params }) => repo.get(params.id))
 *   .post('/posts', { body: z.object({ title: z.string() }) }, ({ body }) => reply(201, repo.create(body)));
 * await serve(service, router);
 * ```
 */
export function createRouter(options?: RouterOptions): Router {
  return new Router(options);
}

/** Whether `value` is a {@link Router}. */
export function isRouter(value: unknown): value is Router {
  return value instanceof Router;
}
