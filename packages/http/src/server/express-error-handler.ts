import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestContext } from '@podkit/core';
import type { RouterLogger } from '../router/router.ts';
import { isProblemError } from './errors.ts';
import { problem, sendProblem } from './problem.ts';
import { readRouteTemplate } from './route-template.ts';
import { REQUEST_ID_HEADER } from './request-id.ts';

/** Options of {@link expressErrorHandler}: a core `Service` fits (it has a `logger`). */
export interface ExpressErrorHandlerOptions {
  /** Where unhandled route errors are logged, once each, as JSON. */
  readonly logger: RouterLogger;
}

/** The fields of an error thrown by Express middleware (http-errors, body-parser) the handler reads. */
interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  expose?: unknown;
  message?: unknown;
}

/**
 * An Express error-handling middleware (`(err, req, res, next)`), structurally typed (it imports
 * nothing from Express). Register it last, after your routes. What it answers:
 *
 * - a {@link ProblemError}: its problem document and headers;
 * - an error carrying a 4xx `status`/`statusCode` (http-errors, body-parser's `entity.too.large`):
 *   that status as a problem, with the error's message as `detail` unless `expose` is `false`;
 *   not logged (the access line records the 4xx);
 * - anything else, sync throws and (Express 5) rejected promises of async handlers alike: logged
 *   once at `error` with the error, method and route template (and, inside `serve()`, the request
 *   and trace ids), then a 500 problem (or the error's own 5xx `status`, e.g. 503) without
 *   message or stack.
 *
 * When the response has already started (headers sent), the status cannot change: the error is
 * logged and the connection closed, so the client sees a truncated response rather than a
 * complete-looking one. Express' own handler is never reached, so nothing is printed on stderr.
 *
 * @example
 * ```ts
 * const app = express();
 * app.get('/orders/:id', async (req, res) => res.json(await orders.get(req.params.id)));
 * app.use(expressErrorHandler(service)); // last
 * await serve(service, app);
 * ```
 */
export function expressErrorHandler(options: ExpressErrorHandlerOptions): (err: unknown, req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  const logger = options.logger;
  // Four parameters: Express tells error handlers from middleware by their arity.
  return function podkitExpressErrorHandler(err: unknown, req: IncomingMessage, res: ServerResponse, _next: (err?: unknown) => void): void {
    if (isProblemError(err)) {
      if (res.headersSent) res.destroy();
      else sendProblem(res, err.problem, err.headers);
      return;
    }
    const status = errorStatus(err);
    if (status !== undefined && status < 500 && !res.headersSent) {
      const e = err as HttpLikeError;
      sendProblem(res, problem(status, e.expose !== false && typeof e.message === 'string' && e.message !== '' ? e.message : undefined));
      return;
    }
    const fields: Record<string, unknown> = { err, method: req.method, route: readRouteTemplate(req, res) };
    // Inside serve() the request context puts request_id (and the span's ids) on the line; without
    // it, the id serve() or a proxy echoed is the best there is.
    if (getRequestContext() === undefined) {
      const id = res.getHeader(REQUEST_ID_HEADER);
      if (typeof id === 'string') fields.request_id = id;
    }
    logger.error(fields, 'request handler failed');
    if (res.headersSent) res.destroy();
    else sendProblem(res, problem(status ?? 500, 'the server failed to handle the request'));
  };
}

/** The 4xx or 5xx status an error carries (`status` or `statusCode`), else `undefined`. */
function errorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as HttpLikeError;
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599 ? status : undefined;
}
