import { errors } from './undici-parts.ts';
import { isPodkitHttpError } from '../errors.ts';
import type { PodkitHttpError } from '../errors.ts';
import { ClientTimeoutError, ConnectionError, InvalidRequestError, InvalidResponseError } from './errors.ts';
import type { TimeoutKind } from './errors.ts';

/** The attempt timeouts a {@link ClientTimeoutError} reports. @internal */
export interface AttemptTimeouts {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyMs: number;
}

/** undici codes of its timeouts. */
const TIMEOUTS: ReadonlyMap<string, Exclude<TimeoutKind, 'deadline'>> = new Map([
  ['UND_ERR_CONNECT_TIMEOUT', 'connect'],
  ['UND_ERR_HEADERS_TIMEOUT', 'headers'],
  ['UND_ERR_BODY_TIMEOUT', 'body'],
]);

/** undici refused the request as it was given. */
const INVALID_REQUEST = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED', 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH']);

/** The upstream's answer broke HTTP (besides undici's `HTTPParserError`, whose code is not always set). */
const INVALID_RESPONSE = new Set(['UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH', 'UND_ERR_RES_EXCEEDED_MAX_SIZE']);

/** The pool was closed or destroyed under the call (`client.close()` raced it). */
const CLOSED = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

/** The `code` of an error, or `UNKNOWN`. @internal */
export function errorCode(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code !== '' ? code : 'UNKNOWN';
}

/**
 * Turns whatever an attempt or a body read failed with (undici's errors, socket errors, a request
 * body stream's error) into the documented podkit class, the original as `cause`:
 *
 * | failure | class |
 * |---|---|
 * | connect / headers / body timeout | {@link ClientTimeoutError} (`kind`) |
 * | refused, reset, socket closed, DNS, TLS, anything else of the transport | {@link ConnectionError} (`causeCode`) |
 * | the pool closed under the call | {@link ConnectionError} `CLIENT_CLOSED` |
 * | a malformed answer (`HPE_*`, content-length mismatch, headers overflow) | {@link InvalidResponseError} |
 * | undici refused the request (invalid header, request content-length mismatch), or it could not be built (`URIError`, `TypeError`) | {@link InvalidRequestError} |
 *
 * A podkit error (caller abort, deadline) is returned as it is.
 * @internal
 */
export function toClientError(err: unknown, origin: string, timeouts: AttemptTimeouts): PodkitHttpError {
  if (isPodkitHttpError(err)) return err;
  const code = errorCode(err);
  const cause = { cause: err };
  const timeout = TIMEOUTS.get(code);
  if (timeout !== undefined) {
    const ms = timeout === 'connect' ? timeouts.connectMs : timeout === 'headers' ? timeouts.headersMs : timeouts.bodyMs;
    return new ClientTimeoutError(timeout, ms, cause);
  }
  if (CLOSED.has(code)) return new ConnectionError(origin, 'CLIENT_CLOSED', cause);
  if (err instanceof errors.HTTPParserError || code.startsWith('HPE_') || INVALID_RESPONSE.has(code)) {
    return new InvalidResponseError('', `malformed HTTP response from ${origin}: ${(err as Error).message}`, cause);
  }
  if (INVALID_REQUEST.has(code)) return new InvalidRequestError(`${(err as Error).message} (${code})`, cause);
  // Built from the request before undici saw it (e.g. encodeURIComponent and a lone surrogate in a query value).
  if (code === 'UNKNOWN' && (err instanceof URIError || err instanceof TypeError)) return new InvalidRequestError(err.message, cause);
  return new ConnectionError(origin, code, cause);
}
