import type { IncomingMessage, ServerResponse } from 'node:http';

/** The field where the route template of the current request is kept on the response. */
interface RouteCarrier {
  podkitRoute?: string | undefined;
}

/**
 * Records the route template (`/posts/:id`, never the raw path) that handled this request, for
 * metrics labels, the access log and the span name. The podkit router does this itself; Express
 * templates are picked up automatically, and `@podkit/fastify` records Fastify's. Call it from
 * other frameworks (a Koa middleware, a Hono handler) with the framework's template; leave it
 * unset for unmatched requests (they count under one `unmatched` route).
 *
 * @example
 * ```ts
 * router.get('/posts/:id', async (ctx, next) => {
 *   setRouteTemplate(ctx.res, '/posts/:id');
 *   await next();
 * });
 * ```
 */
export function setRouteTemplate(res: ServerResponse, template: string): void {
  (res as RouteCarrier).podkitRoute = template;
}

interface ExpressLikeRequest {
  route?: { path?: unknown };
  baseUrl?: unknown;
}

/**
 * The route template of a finished request: set by {@link setRouteTemplate}, else Express'
 * `req.baseUrl + req.route.path` when the handler was an Express route, else `undefined`.
 * @internal
 */
export function readRouteTemplate(req: IncomingMessage, res: ServerResponse): string | undefined {
  const explicit = (res as RouteCarrier).podkitRoute;
  if (explicit !== undefined) return explicit;
  const route = (req as ExpressLikeRequest).route;
  if (route === undefined || typeof route.path !== 'string') return undefined;
  const base = (req as ExpressLikeRequest).baseUrl;
  return typeof base === 'string' && base !== '' ? base + route.path : route.path;
}
