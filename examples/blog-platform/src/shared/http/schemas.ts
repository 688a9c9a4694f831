import { z } from 'zod';
import type { Cursor } from '../db/cursor.ts';
import { decodeCursor } from '../db/cursor.ts';
import { IdempotencyKeyReusedError } from '../db/idempotency.ts';
import { problems } from './problems.ts';

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True for text PostgreSQL can store as it was sent: no NUL character (a `text` value cannot
 * hold one) and no unpaired UTF-16 surrogate (it has no UTF-8 form and would be silently replaced).
 */
export function isStorableText(s: string): boolean {
  return !s.includes('\u0000') && !LONE_SURROGATE.test(s);
}

/** A string field checked with {@link isStorableText}: bad input is a 400 naming the field. */
export function text(): z.ZodString {
  return z.string().refine(isStorableText, 'must not contain NUL characters or unpaired surrogates');
}

/** `limit` and `cursor` of a paginated list. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
};

/** Decodes a `cursor` query value or throws a 400 problem naming it. */
export function cursorFrom(value: string | undefined): Cursor | undefined {
  if (value === undefined || value === '') return undefined;
  const c = decodeCursor(value);
  if (c === undefined) throw problems.badRequest('query parameter "cursor" is not a cursor returned by this API');
  return c;
}

/** A UUID path parameter; a malformed id is simply not found. */
export const idParams = z.object({ id: z.string().max(64) });

/** The `Idempotency-Key` of a request (at most 128 printable characters), or `undefined`. */
export function idempotencyKey(headers: Readonly<Record<string, string | string[] | undefined>>): string | undefined {
  const v = headers['idempotency-key'];
  return typeof v === 'string' && /^[\x21-\x7e]{1,128}$/.test(v) ? v : undefined;
}

/** Rethrows an {@link IdempotencyKeyReusedError} as a 422 problem (IETF Idempotency-Key draft), anything else as is. */
export function idempotencyProblem(err: unknown): never {
  if (err instanceof IdempotencyKeyReusedError) {
    throw problems.unprocessable('this Idempotency-Key was already used for a request with a different body; use a new key');
  }
  throw err;
}
