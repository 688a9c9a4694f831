import type { ServerResponse } from 'node:http';
import { NO_RETRY_HEADER } from '../deadline/headers.ts';
import { upstreamFailure } from '../deadline/upstream-failure.ts';
import { nodeHttp } from './node-http.ts';

const { STATUS_CODES } = nodeHttp;

/**
 * An RFC 9457 problem details document, sent as `application/problem+json`.
 * Never contains a stack trace.
 */
export interface Problem {
  /** A URI identifying the problem type. @default 'about:blank' */
  type?: string;
  /** Short, human-readable summary; for `about:blank` the HTTP reason phrase. */
  title: string;
  /** The HTTP status code. */
  status: number;
  /** Human-readable explanation specific to this occurrence. */
  detail?: string;
  /** A URI reference identifying this occurrence. */
  instance?: string;
  /** Validation errors (extension member), one per offending field. */
  errors?: readonly ProblemFieldError[];
}

/** One validation failure inside a {@link Problem}'s `errors` member. */
export interface ProblemFieldError {
  /** Where the bad value came from: `params`, `query`, `body` or `header`. */
  in: string;
  /** Path to the offending key, e.g. `items.0.title` (empty for the whole value). */
  path: string;
  /** Why the value was rejected. */
  message: string;
}

/** Content type of problem responses. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * Builds a {@link Problem} for `status` with the standard reason phrase as title.
 *
 * @example
 * ```ts
 * problem(404, 'no route for GET /nope'); // { type: 'about:blank', title: 'Not Found', status: 404, detail: ... }
 * ```
 */
export function problem(status: number, detail?: string, errors?: readonly ProblemFieldError[]): Problem {
  const p: Problem = { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status };
  if (detail !== undefined) p.detail = detail;
  if (errors !== undefined && errors.length > 0) p.errors = errors;
  return p;
}

/**
 * Writes `p` as an `application/problem+json` response. If headers were already sent the status
 * cannot change any more: the connection is cut (`res.destroy()`), so the client sees a truncated
 * response, never a complete-looking one whose body is silently short. A response already ended
 * is left alone.
 *
 * A 5xx sent while serving a request one of whose podkit client calls failed (breaker open,
 * retries or budget exhausted, upstream deadline) carries `x-podkit-no-retry` (see
 * `NO_RETRY_HEADER`): the retrying was done at this layer, callers must not add their own.
 *
 * @param headers - extra headers, e.g. `{ allow: 'GET, HEAD' }`
 */
export function sendProblem(res: ServerResponse, p: Problem, headers?: Readonly<Record<string, string>>): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.destroy();
    return;
  }
  const body = JSON.stringify({ type: 'about:blank', ...p });
  res.statusCode = p.status;
  res.setHeader('content-type', PROBLEM_CONTENT_TYPE);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  if (p.status >= 500 && !res.hasHeader(NO_RETRY_HEADER)) {
    const failed = upstreamFailure();
    if (failed !== undefined) res.setHeader(NO_RETRY_HEADER, failed);
  }
  res.end(body);
}
