import type { Logger } from '@podkit/core';

/** Fields of one access-log line. */
export interface AccessLogEntry {
  method: string;
  route: string;
  path: string;
  status: number;
  durationMs: number;
  bytes: number | undefined;
  request_id: string;
  trace_id: string | undefined;
  span_id: string | undefined;
  aborted: boolean;
}

/**
 * Writes one access-log line per finished request at a level chosen by status: `info` below
 * 400, `warn` for 4xx, `error` for 5xx (and `warn` for requests the client aborted). The query
 * string is never logged (it may carry tokens); the route template and path are.
 * @internal
 */
export function writeAccessLog(logger: Logger, entry: AccessLogEntry): void {
  const level = entry.aborted || (entry.status >= 400 && entry.status < 500) ? 'warn' : entry.status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](entry, entry.aborted ? 'request aborted' : 'request completed');
}

/** The path part of a request URL (no query string). @internal */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
