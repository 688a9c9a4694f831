/** Methods that are safe to repeat (RFC 9110 §9.2.2). @internal */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/**
 * Whether a request may be sent again after it may have reached the upstream: idempotent
 * methods, or any method carrying an `Idempotency-Key` header (`headers` has lower-case names).
 * @internal
 */
export function isRetryableRequest(method: string, headers: Readonly<Record<string, string>>): boolean {
  return IDEMPOTENT.has(method) || headers['idempotency-key'] !== undefined;
}

/** Error codes that mean no byte of the request reached the upstream: safe to retry for any method. @internal */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Error codes of transient connection failures after the request may have been sent. @internal */
const CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT']);

/** Timeout codes of undici. @internal */
const TIMEOUT_CODES: ReadonlyMap<string, 'connect' | 'headers' | 'body'> = new Map([
  ['UND_ERR_CONNECT_TIMEOUT', 'connect'],
  ['UND_ERR_HEADERS_TIMEOUT', 'headers'],
  ['UND_ERR_BODY_TIMEOUT', 'body'],
]);

/** How a transport error is treated. @internal */
export interface TransportFailure {
  /** Metric/log reason, e.g. `ECONNREFUSED`, `timeout_headers`. */
  readonly reason: string;
  /** No byte was sent: retry is safe for every method. */
  readonly notSent: boolean;
  /** Timeout kind, when it is a timeout. */
  readonly timeout: 'connect' | 'headers' | 'body' | undefined;
  /** Transient (connection error or timeout): retryable for retry-safe requests. */
  readonly transient: boolean;
}

/** Classifies an error thrown by undici for one attempt. @internal */
export function classifyTransportError(err: unknown): TransportFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : 'UNKNOWN';
  const timeout = TIMEOUT_CODES.get(code);
  const notSent = NOT_SENT_CODES.has(code);
  return {
    reason: timeout ? `timeout_${timeout}` : code,
    notSent,
    timeout,
    transient: notSent || timeout !== undefined || CONNECTION_CODES.has(code),
  };
}
