import { PodkitHttpError } from '../errors.ts';

/**
 * The upstream answered with an error status (>= 400) and the call gave up on it.
 * Code: `ERR_PODKIT_HTTP_STATUS`.
 *
 * @example
 * ```ts
 * try { await posts.get('/posts/1'); }
 * catch (err) { if (err instanceof HttpStatusError && err.status === 404) return null; throw err; }
 * ```
 */
export class HttpStatusError extends PodkitHttpError {
  /** The response status code. */
  readonly status: number;
  /** Up to `snippetBytes` (default 1 KiB) of the response body, decoded as UTF-8. */
  readonly bodySnippet: string;
  /** The origin that answered. */
  readonly origin: string;

  /**
   * @param status - response status
   * @param bodySnippet - bounded start of the body
   * @param origin - origin that answered
   * @param method - request method
   * @param path - request path
   */
  constructor(status: number, bodySnippet: string, origin: string, method: string, path: string) {
    super('ERR_PODKIT_HTTP_STATUS', `${method} ${origin}${path} answered ${status}`);
    this.status = status;
    this.bodySnippet = bodySnippet;
    this.origin = origin;
  }
}

/** Which limit a {@link ClientTimeoutError} hit. */
export type TimeoutKind = 'connect' | 'headers' | 'body' | 'deadline';

/**
 * An attempt timed out (connect, headers, body) or the whole call ran past its deadline.
 * Code: `ERR_PODKIT_HTTP_TIMEOUT`.
 */
export class ClientTimeoutError extends PodkitHttpError {
  /** Which limit was hit. */
  readonly kind: TimeoutKind;
  /** The limit in milliseconds. */
  readonly timeoutMs: number;

  /**
   * @param kind - which limit
   * @param timeoutMs - the limit in ms
   * @param options - `cause`
   */
  constructor(kind: TimeoutKind, timeoutMs: number, options?: ErrorOptions) {
    super('ERR_PODKIT_HTTP_TIMEOUT', `${kind} timeout after ${Math.round(timeoutMs)} ms`, options);
    this.kind = kind;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The circuit breaker of every eligible origin is open (or half-open with its trial permits taken):
 * the call failed fast without touching the network. Code: `ERR_PODKIT_HTTP_BREAKER_OPEN`.
 */
export class BreakerOpenError extends PodkitHttpError {
  /** The client name. */
  readonly client: string;
  /** The origin whose breaker rejected the call. */
  readonly origin: string;

  /**
   * @param client - client name
   * @param origin - origin
   */
  constructor(client: string, origin: string) {
    super('ERR_PODKIT_HTTP_BREAKER_OPEN', `circuit breaker for ${client} (${origin}) is open`);
    this.client = client;
    this.origin = origin;
  }
}

/**
 * The client's concurrency limit and its queue are both full.
 * Code: `ERR_PODKIT_HTTP_BULKHEAD_REJECTED`.
 */
export class BulkheadRejectedError extends PodkitHttpError {
  /**
   * @param client - client name
   * @param maxConcurrent - the concurrency limit
   * @param maxQueue - the queue bound
   */
  constructor(client: string, maxConcurrent: number, maxQueue: number) {
    super(
      'ERR_PODKIT_HTTP_BULKHEAD_REJECTED',
      `${client}: ${maxConcurrent} calls in flight and ${maxQueue} queued; call rejected`,
    );
  }
}

/**
 * A retry was due but the client's retry budget is spent; the last failure is the `cause`.
 * Code: `ERR_PODKIT_HTTP_RETRY_BUDGET_EXHAUSTED`.
 */
export class RetryBudgetExhaustedError extends PodkitHttpError {
  /**
   * @param client - client name
   * @param cause - the failure that would have been retried
   */
  constructor(client: string, cause: unknown) {
    super('ERR_PODKIT_HTTP_RETRY_BUDGET_EXHAUSTED', `${client}: retry budget exhausted`, { cause });
  }
}

/**
 * The response could not be used: malformed JSON, JSON that does not match the schema, or an
 * answer that breaks HTTP (a parser error, a body longer or shorter than its `Content-Length`).
 * Code: `ERR_PODKIT_HTTP_INVALID_RESPONSE`.
 */
export class InvalidResponseError extends PodkitHttpError {
  /** Dotted path of the first mismatch (e.g. `items[0].title`); empty for malformed bodies. */
  readonly path: string;

  /**
   * @param path - path of the first mismatch
   * @param reason - what is wrong there
   * @param options - `cause`
   */
  constructor(path: string, reason: string, options?: ErrorOptions) {
    super('ERR_PODKIT_HTTP_INVALID_RESPONSE', `invalid response${path ? ` at ${path}` : ''}: ${reason}`, options);
    this.path = path;
  }
}

/**
 * A response body was read twice (`text()`, `bytes()`, `json()`, `body` and `dump()` each consume
 * it). Code: `ERR_PODKIT_HTTP_BODY_USED`.
 */
export class ResponseBodyUsedError extends PodkitHttpError {
  constructor() {
    super('ERR_PODKIT_HTTP_BODY_USED', 'the response body was already read or discarded');
  }
}

/**
 * The caller's `AbortSignal` cancelled the call. Never retried. Code: `ERR_PODKIT_HTTP_ABORTED`.
 */
export class RequestAbortedError extends PodkitHttpError {
  /** @param options - `cause` (the signal's reason) */
  constructor(options?: ErrorOptions) {
    super('ERR_PODKIT_HTTP_ABORTED', 'request aborted by the caller', options);
  }
}

/**
 * The request could not be sent as given: undici refused an option (a header value with a line
 * break, a header it does not support), the body did not match its `Content-Length`, or the
 * request body stream failed (its error is the `cause`). Never retried.
 * Code: `ERR_PODKIT_HTTP_INVALID_REQUEST`.
 */
export class InvalidRequestError extends PodkitHttpError {
  /**
   * @param reason - what is wrong with the request
   * @param options - `cause`
   */
  constructor(reason: string, options?: ErrorOptions) {
    super('ERR_PODKIT_HTTP_INVALID_REQUEST', `the request cannot be sent: ${reason}`, options);
  }
}

/**
 * The connection failed on the last attempt (refused, reset, closed by the upstream, DNS, TLS), or
 * the client was closed. Code: `ERR_PODKIT_HTTP_CONNECTION`.
 */
export class ConnectionError extends PodkitHttpError {
  /** The underlying error code, e.g. `ECONNREFUSED`. */
  readonly causeCode: string;

  /**
   * @param origin - origin
   * @param causeCode - underlying code
   * @param options - `cause`
   */
  constructor(origin: string, causeCode: string, options?: ErrorOptions) {
    super('ERR_PODKIT_HTTP_CONNECTION', `connection to ${origin} failed (${causeCode})`, options);
    this.causeCode = causeCode;
  }
}

/**
 * `createClient` was given options that are invalid alone or together.
 * Code: `ERR_PODKIT_HTTP_CLIENT_OPTIONS`.
 */
export class InvalidClientOptionsError extends PodkitHttpError {
  /** The option key at fault, e.g. `retry.maxAttempts`. */
  readonly key: string;

  /**
   * @param client - client name
   * @param key - option key
   * @param reason - why it is invalid (with the value)
   */
  constructor(client: string, key: string, reason: string) {
    super('ERR_PODKIT_HTTP_CLIENT_OPTIONS', `createClient(${client}): option ${key} ${reason}`);
    this.key = key;
  }
}
