import type { Readable } from 'node:stream';
/** Query string values; `undefined` entries are skipped. */
export type QueryValue = string | number | boolean | undefined;

/** Options of one call. */
export interface RequestOptions {
  /**
   * HTTP method.
   * @default 'GET'
   */
  method?: string;
  /** Path below the base URL, e.g. `/posts/1`. */
  path: string;
  /** Query parameters appended to the path. */
  query?: Readonly<Record<string, QueryValue>>;
  /**
   * Headers of this call. An `Idempotency-Key` header makes a POST/PATCH retryable.
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * Raw body: a string, bytes, or a `Readable` stream (e.g. an incoming request a proxy forwards).
   * A stream is sent as it arrives, never buffered, and a call with a stream body is never
   * retried (undici consumes or destroys the stream on the first attempt). When the call fails
   * (also before the stream was sent: bulkhead, breaker, caller abort) the stream is destroyed;
   * its own failure fails the call with an `InvalidRequestError`.
   */
  body?: string | Uint8Array | Readable;
  /** A value sent as a JSON body (sets `content-type: application/json`). */
  json?: unknown;
  /**
   * Cancels the call at once; an aborted call is never retried. It governs the call until
   * `request()` resolves; to stop reading a body after that, call `response.dump(0)` (or destroy
   * the `response.body` stream): the rest of the body is aborted and its connection closed.
   */
  signal?: AbortSignal;
  /**
   * Total deadline of this call in ms (overrides the client's `timeouts.deadlineMs`); a request
   * context deadline from core shortens it further.
   */
  timeoutMs?: number;
  /**
   * Whether a final status >= 400 rejects with `HttpStatusError`. `false` resolves with the
   * response instead (after any retries the policy allows), so a proxy can pass upstream error
   * responses through with their headers and body. The breaker still counts 5xx as failures.
   * @default true
   */
  throwOnErrorStatus?: boolean;
}

/** Options of the method helpers (`get`, `post`, ...): {@link RequestOptions} without `method` and `path`. */
export type MethodOptions = Omit<RequestOptions, 'method' | 'path'>;

/** Builds `path?query`. @internal */
export function pathWithQuery(basePath: string, path: string, query: RequestOptions['query']): string {
  let out = basePath + (path.startsWith('/') ? path : `/${path}`);
  if (query !== undefined) {
    let sep = out.includes('?') ? '&' : '?';
    for (const key in query) {
      const value = query[key];
      if (value === undefined) continue;
      out += `${sep}${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`;
      sep = '&';
    }
  }
  return out;
}
