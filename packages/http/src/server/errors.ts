import { PodkitHttpError } from '../errors.ts';
import type { Problem } from './problem.ts';

/**
 * An error that becomes an RFC 9457 `application/problem+json` response when thrown from a
 * router handler (or passed to {@link sendProblem}).
 *
 * Code: `ERR_PODKIT_HTTP_PROBLEM`.
 *
 * @example
 * ```ts
 * router.get('/posts/:id', { params: z.object({ id: z.string() }) }, async ({ params }) => {
 *   const post = await repo.find(params.id);
 *   if (!post) throw new ProblemError({ status: 404, title: 'Not Found', detail: `no post ${params.id}` });
 *   return post;
 * });
 * ```
 */
export class ProblemError extends PodkitHttpError {
  /** The problem document sent to the client. */
  readonly problem: Problem;
  /** Extra response headers (e.g. `Allow`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>> | undefined;

  /**
   * @param problem - the problem document; `type` defaults to `about:blank`
   * @param headers - extra response headers
   */
  constructor(problem: Problem, headers?: Record<string, string>) {
    super('ERR_PODKIT_HTTP_PROBLEM', `${problem.status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
    this.problem = problem;
    this.headers = headers;
  }
}

/** Whether `value` is a {@link ProblemError}. */
export function isProblemError(value: unknown): value is ProblemError {
  return value instanceof ProblemError;
}

/**
 * Thrown by {@link serve} and {@link createRouter} for invalid options, naming the option, the
 * value and the reason. Code: `ERR_PODKIT_HTTP_OPTIONS`.
 */
export class HttpOptionsError extends PodkitHttpError {
  /** The option that is invalid, e.g. `keepAliveTimeoutMs`. */
  readonly option: string;

  /**
   * @param option - the offending option name
   * @param message - why the value is invalid
   */
  constructor(option: string, message: string) {
    super('ERR_PODKIT_HTTP_OPTIONS', `invalid option "${option}": ${message}`);
    this.option = option;
  }
}

/** Whether `value` is an {@link HttpOptionsError}. */
export function isHttpOptionsError(value: unknown): value is HttpOptionsError {
  return value instanceof HttpOptionsError;
}

/**
 * The server could not listen (port in use, permission denied, bad host). Names the address;
 * the system error is the `cause`. Code: `ERR_PODKIT_HTTP_LISTEN`.
 */
export class ListenError extends PodkitHttpError {
  /**
   * @param address - `host:port` that could not be bound
   * @param cause - the system error
   */
  constructor(address: string, cause: Error) {
    super('ERR_PODKIT_HTTP_LISTEN', `cannot listen on ${address}: ${cause.message}`, { cause });
  }
}
