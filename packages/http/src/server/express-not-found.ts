import type { IncomingMessage, ServerResponse } from 'node:http';
import { problem, sendProblem } from './problem.ts';

/**
 * A last-route middleware for an Express (or Connect) app served by `serve()`: answers what no
 * route matched with the same RFC 9457 `404` problem `serve()` and the podkit router answer
 * (`no route for GET /path`, query string left out), instead of Express' HTML page `Cannot GET
 * /path`. The request counts under `route="unmatched"`. Put it after the routes and before
 * {@link expressErrorHandler}.
 *
 * @example
 * ```ts
 * import { expressErrorHandler, expressNotFound, serve } from '@podkit/http';
 *
 * app.use(expressNotFound());
 * app.use(expressErrorHandler(service));
 * await serve(service, app);
 * ```
 */
export function expressNotFound(): (req: IncomingMessage, res: ServerResponse) => void {
  return function podkitExpressNotFound(req: IncomingMessage, res: ServerResponse): void {
    // Express' router rewrites req.url inside mounted routers; originalUrl is what the client sent.
    const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const q = url.indexOf('?');
    sendProblem(res, problem(404, `no route for ${req.method ?? 'GET'} ${q === -1 ? url : url.slice(0, q)}`));
  };
}
