import { randomUUID } from 'node:crypto';

/** Header carrying the request id in both directions. */
export const REQUEST_ID_HEADER = 'x-request-id';

// Accept ids callers and proxies commonly generate (UUIDs, ULIDs, hex, nginx's $request_id,
// AWS trace ids) and nothing that could break a log line or a header.
const VALID_ID = /^[\w.:@/+=-]{1,128}$/;

/**
 * The request id to use: the incoming header when it is a plausible id (1–128 characters of
 * `[A-Za-z0-9_.:@/+=-]`), otherwise a new random UUID. Invalid incoming ids are replaced, not
 * echoed, so a client cannot inject text into log lines.
 */
export function resolveRequestId(header: string | string[] | undefined): string {
  return typeof header === 'string' && VALID_ID.test(header) ? header : randomUUID();
}
