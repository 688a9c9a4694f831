import type { ServerResponse } from 'node:http';
import {
  BreakerOpenError,
  BulkheadRejectedError,
  ClientTimeoutError,
  ConnectionError,
  RequestAbortedError,
  RetryBudgetExhaustedError,
  sendProblem,
  problem,
} from '@podkit/http';

/**
 * Answers a failed upstream call with a problem: an open breaker, a full bulkhead, an exhausted
 * retry budget or a refused connection → 503 with `Retry-After` (the upstream is unavailable);
 * a timeout → 504; anything else → 502. Returns the reason for the log line.
 */
export function sendUpstreamProblem(res: ServerResponse, upstream: string, err: unknown): string {
  if (res.headersSent) {
    res.destroy();
    return 'failed mid-response';
  }
  if (err instanceof BreakerOpenError) {
    sendProblem(res, problem(503, `${upstream} is unavailable (circuit open); try again shortly`), { 'retry-after': '5' });
    return 'breaker open';
  }
  if (err instanceof BulkheadRejectedError || err instanceof RetryBudgetExhaustedError) {
    sendProblem(res, problem(503, `${upstream} is overloaded; try again shortly`), { 'retry-after': '1' });
    return 'overloaded';
  }
  if (err instanceof ConnectionError) {
    sendProblem(res, problem(503, `${upstream} is unavailable; try again shortly`), { 'retry-after': '1' });
    return 'connection failed';
  }
  if (err instanceof ClientTimeoutError) {
    sendProblem(res, problem(504, `${upstream} did not answer in time`));
    return 'timeout';
  }
  if (err instanceof RequestAbortedError) {
    res.destroy();
    return 'client went away';
  }
  sendProblem(res, problem(502, `${upstream} failed`));
  return 'bad gateway';
}
