import { z } from 'zod';
import type { Cursor } from '../db/cursor.ts';
import { decodeCursor } from '../db/cursor.ts';
import { problems } from './problems.ts';

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
