/** Why a bearer token was refused. Always answered with 401; the reason is logged, never echoed in detail. */
export class TokenError extends Error {
  /** Stable code. */
  readonly code: string;
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TokenError';
    this.code = code;
  }
}

/** True when `err` is a {@link TokenError}. */
export function isTokenError(err: unknown): err is TokenError {
  return err instanceof TokenError;
}
