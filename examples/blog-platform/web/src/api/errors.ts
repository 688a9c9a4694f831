import type { Problem } from './types.ts';

/** Why a request failed: the server answered with a problem, or no usable answer arrived. */
export type ApiErrorKind = 'problem' | 'network' | 'timeout' | 'invalid-response';

/** A failed API call. `problem` is set when the server answered with an error status. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  readonly problem: Problem | undefined;
  /** Seconds from a `Retry-After` header, when the server sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    kind: ApiErrorKind,
    message: string,
    options: { problem?: Problem; retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.kind = kind;
    this.problem = options.problem;
    this.status = options.problem?.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** True when `value` is an {@link ApiError}. */
export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

/** True when `value` is the rejection of a request the caller cancelled (e.g. on unmount). */
export function isAbortError(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as { name?: unknown }).name === 'AbortError';
}
