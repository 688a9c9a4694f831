import type { IncomingMessage, ServerResponse } from 'node:http';
import { problem, sendProblem } from './problem.ts';

/**
 * Whether `req` is an HTTP/1.1 request without a `Host` header, which RFC 9112 §3.2 says a
 * server must answer with 400. (Node's own check answers a bare 400 that no metric or access
 * log sees, so `serve()` turns it off and checks here, inside the instrumented pipeline.)
 * @internal
 */
export function lacksHost(req: IncomingMessage): boolean {
  return req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor === 1;
}

/** Answers an HTTP/1.1 request without `Host`: 400 problem, `Connection: close`. @internal */
export function rejectMissingHost(_req: IncomingMessage, res: ServerResponse): void {
  sendProblem(res, problem(400, 'an HTTP/1.1 request must carry a Host header (RFC 9112, section 3.2)'), { connection: 'close' });
}

/**
 * Answers a request whose `Expect` header is not `100-continue` (Node's `checkExpectation`
 * event): 417 problem instead of Node's bare 417. The header's value is not echoed.
 * @internal
 */
export function rejectExpectation(_req: IncomingMessage, res: ServerResponse): void {
  sendProblem(res, problem(417, 'the only supported expectation is "Expect: 100-continue"'));
}
