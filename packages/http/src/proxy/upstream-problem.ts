import type { ServerResponse } from 'node:http';
import {
  BreakerOpenError,
  BulkheadRejectedError,
  ClientTimeoutError,
  ConnectionError,
  HttpStatusError,
  InvalidRequestError,
  InvalidResponseError,
  RequestAbortedError,
  RetryBudgetExhaustedError,
} from '../client/errors.ts';
import { problem, sendProblem } from '../server/problem.ts';
import { NO_RETRY_HEADER } from '../deadline/headers.ts';

/** Why an upstream call failed, as {@link sendUpstreamProblem} classified it (for a log line or a metric). */
export type UpstreamFailure =
  | 'breaker open'
  | 'overloaded'
  | 'connection failed'
  | 'timeout'
  | 'client went away'
  | 'bad request'
  | 'failed mid-response'
  | 'bad gateway';

/**
 * Whether `err` is the failure of a podkit client call that the upstream caused (breaker open,
 * bulkhead full, retry budget spent, connection failure, timeout, error status, malformed answer):
 * the router answers it as {@link sendUpstreamProblem} does instead of a 500.
 * @internal
 */
export function isUpstreamCallError(err: unknown): boolean {
  return (
    err instanceof BreakerOpenError ||
    err instanceof BulkheadRejectedError ||
    err instanceof RetryBudgetExhaustedError ||
    err instanceof ConnectionError ||
    err instanceof ClientTimeoutError ||
    err instanceof HttpStatusError ||
    err instanceof InvalidResponseError
  );
}

/**
 * Answers a failed upstream call with an RFC 9457 problem: an open breaker → 503 with
 * `Retry-After: 5`; a full bulkhead or an exhausted retry budget → 503 `Retry-After: 1`
 * (overloaded); a connection error (refused, reset, DNS) → 503 `Retry-After: 1` (the upstream
 * is unavailable); a timeout → 504. All but the full bulkhead (an overload signal of this
 * process) carry `x-podkit-no-retry` (the client already retried: callers must not add theirs); a request the client cannot send as it came (an
 * {@link InvalidRequestError}) → 400; anything else (a malformed answer) → 502. When the caller
 * went away ({@link RequestAbortedError}) or the response had already begun, the response is
 * destroyed instead. Returns the classification, for the log line.
 *
 * @param upstream - the upstream's name, shown in the problem's `detail`
 * @example
 * ```ts
 * client.request({ path: '/posts' }).catch((err: unknown) => {
 *   logger.warn({ reason: sendUpstreamProblem(res, 'posts', err) }, 'upstream call failed');
 * });
 * ```
 */
export function sendUpstreamProblem(res: ServerResponse, upstream: string, err: unknown): UpstreamFailure {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return res.headersSent ? 'failed mid-response' : 'client went away';
  }
  if (err instanceof BreakerOpenError) {
    sendProblem(res, problem(503, `${upstream} is unavailable (circuit open); try again shortly`), { 'retry-after': '5', [NO_RETRY_HEADER]: 'upstream' });
    return 'breaker open';
  }
  if (err instanceof BulkheadRejectedError) {
    sendProblem(res, problem(503, `${upstream} is overloaded; try again shortly`), { 'retry-after': '1' });
    return 'overloaded';
  }
  if (err instanceof RetryBudgetExhaustedError) {
    sendProblem(res, problem(503, `${upstream} is overloaded; try again shortly`), { 'retry-after': '1', [NO_RETRY_HEADER]: 'upstream' });
    return 'overloaded';
  }
  if (err instanceof ConnectionError) {
    sendProblem(res, problem(503, `${upstream} is unavailable; try again shortly`), { 'retry-after': '1', [NO_RETRY_HEADER]: 'upstream' });
    return 'connection failed';
  }
  if (err instanceof ClientTimeoutError) {
    sendProblem(res, problem(504, `${upstream} did not answer in time`), { [NO_RETRY_HEADER]: 'deadline' });
    return 'timeout';
  }
  if (err instanceof InvalidRequestError) {
    sendProblem(res, problem(400, `the request cannot be forwarded to ${upstream}`));
    return 'bad request';
  }
  if (err instanceof RequestAbortedError) {
    res.destroy();
    return 'client went away';
  }
  sendProblem(res, problem(502, `${upstream} failed`));
  return 'bad gateway';
}
