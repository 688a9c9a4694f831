import { createHash } from 'node:crypto';

/**
 * An `Idempotency-Key` already used (by the same author) for a request with a different payload.
 * Answered with 422, as the IETF Idempotency-Key draft requires, instead of the first result.
 */
export class IdempotencyKeyReusedError extends Error {
  /** Stable code. */
  readonly code = 'ERR_IDEMPOTENCY_KEY_REUSED';
  constructor() {
    super('this Idempotency-Key was already used for a request with a different body');
    this.name = 'IdempotencyKeyReusedError';
  }
}

/**
 * A fingerprint of a request's payload (SHA-256 of its JSON, base64url), stored with the
 * idempotency key to recognise a reused key. Pass the validated fields in a fixed order.
 *
 * @example
 * const fp = payloadFingerprint([input.title, input.body, input.imageIds]);
 */
export function payloadFingerprint(fields: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('base64url');
}
