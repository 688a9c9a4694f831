import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { DEADLINE_HEADER, ENVOY_DEADLINE_HEADER, NO_RETRY_HEADER, parseTimeoutHeader } from '../deadline/headers.ts';
import { problem, sendProblem } from './problem.ts';

/**
 * The caller's remaining budget in ms from `x-podkit-timeout-ms`, else Envoy's
 * `x-envoy-expected-rq-timeout-ms`; `undefined` without either, `NaN` when malformed.
 * @internal
 */
export function readCallerBudget(headers: IncomingHttpHeaders): number | undefined {
  const own = headers[DEADLINE_HEADER];
  return parseTimeoutHeader(own !== undefined ? own : headers[ENVOY_DEADLINE_HEADER]);
}

/** Answers a request that arrived with no time left: 504, no handler run, not to be retried. @internal */
export function rejectExpired(_req: IncomingMessage, res: ServerResponse): void {
  sendProblem(res, problem(504, `the request arrived with no time left (${DEADLINE_HEADER}: 0); it was not processed`), { [NO_RETRY_HEADER]: 'deadline' });
}

/** Answers a request whose deadline header is not whole milliseconds: 400 naming the header. @internal */
export function rejectBadBudget(req: IncomingMessage, res: ServerResponse): void {
  const name = req.headers[DEADLINE_HEADER] !== undefined ? DEADLINE_HEADER : ENVOY_DEADLINE_HEADER;
  sendProblem(res, problem(400, `invalid ${name} header`, [{ in: 'header', path: name, message: 'must be a whole number of milliseconds (digits only)' }]));
}
