import type { Logger } from '@podkit/core';
import { fastAccessLineWriter } from './access-line.ts';
import type { AccessLineWriter } from './access-line.ts';

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
 *
 * Lines are serialized directly in the logger's own format when the logger allows it (see
 * {@link fastAccessLineWriter}), otherwise through `logger[level](entry, msg)`.
 * @internal
 */
export class AccessLog {
  readonly #logger: Logger;
  readonly #fast: AccessLineWriter | undefined;

  constructor(logger: Logger) {
    this.#logger = logger;
    this.#fast = fastAccessLineWriter(logger);
  }

  /** Whether lines bypass pino's generic serializer (for tests and the benchmark). */
  get fast(): boolean {
    return this.#fast !== undefined;
  }

  /** Writes the line for `entry` if its level is enabled. */
  write(entry: AccessLogEntry): void {
    const level = entry.aborted || (entry.status >= 400 && entry.status < 500) ? 'warn' : entry.status >= 500 ? 'error' : 'info';
    if (!this.#logger.isLevelEnabled(level)) return;
    const msg = entry.aborted ? 'request aborted' : 'request completed';
    if (this.#fast !== undefined) this.#fast(level, entry, msg);
    else this.#logger[level](entry, msg);
  }
}

/** The path part of a request URL (no query string). @internal */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
