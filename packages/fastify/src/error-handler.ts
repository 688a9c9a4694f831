import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { getRequestContext } from '@podkit/core';
import { REQUEST_ID_HEADER, isProblemError, problem } from '@podkit/http';
import type { ProblemFieldError, RouterLogger } from '@podkit/http';
import { replyProblem } from './problem-reply.ts';

/** What Fastify's validation puts on an error (ajv's errors and where they were found). */
interface ValidationDetails {
  validation?: ReadonlyArray<{ instancePath?: string; message?: string }>;
  validationContext?: string;
}

const WHERE: Readonly<Record<string, string>> = { querystring: 'query', headers: 'header', params: 'params', body: 'body' };

/**
 * Fastify's error handler, mapped to podkit's: a `ProblemError` answers its problem; an error with
 * a 4xx `statusCode` (schema validation, an unsupported media type, a body too large, `httpErrors`)
 * answers that status as a problem with the message as `detail` (validation failures listed in
 * `errors`), unlogged (the access line records it); anything else is logged once at `error` and
 * answered 500 (or the error's own 5xx `statusCode`) without message or stack.
 * @internal
 */
export function createErrorHandler(logger: RouterLogger): (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply | undefined {
  return function podkitErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply | undefined {
    if (isProblemError(error)) return sent(reply) ? undefined : replyProblem(reply, error.problem, error.headers);
    const status = error.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500 && !sent(reply)) {
      return replyProblem(reply, problem(status, error.message === '' ? undefined : error.message, fieldErrors(error)));
    }
    const fields: Record<string, unknown> = { err: error, method: request.method, route: request.routeOptions.url };
    // serve() runs Fastify inside the request context, so the logger adds request_id and the
    // span's ids itself; outside it, the id serve() echoed is the best there is.
    if (getRequestContext() === undefined) {
      const id = reply.getHeader(REQUEST_ID_HEADER);
      if (typeof id === 'string') fields.request_id = id;
    }
    logger.error(fields, 'request handler failed');
    if (sent(reply)) return undefined;
    const serverStatus = typeof status === 'number' && status >= 500 && status <= 599 ? status : 500;
    return replyProblem(reply, problem(serverStatus, 'the server failed to handle the request'));
  };
}

/** Whether the response already started: then the status cannot change and the socket is cut. */
function sent(reply: FastifyReply): boolean {
  if (!reply.raw.headersSent) return false;
  reply.raw.destroy();
  return true;
}

function fieldErrors(error: FastifyError): ProblemFieldError[] | undefined {
  const { validation, validationContext } = error as ValidationDetails;
  if (validation === undefined) return undefined;
  const where = WHERE[validationContext ?? ''] ?? validationContext ?? 'body';
  return validation.map((v) => ({ in: where, path: (v.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.'), message: v.message ?? 'invalid' }));
}
