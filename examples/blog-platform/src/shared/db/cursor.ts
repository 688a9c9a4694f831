/** A keyset pagination position: the last item's creation time and id (newest first). */
export interface Cursor {
  readonly createdAt: string;
  readonly id: string;
}

/** Encodes a cursor as an opaque base64url string. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`).toString('base64url');
}

const SHAPE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?Z\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** True when the fields name a real instant (no February 31st, no hour 24) PostgreSQL can store. */
function isRealInstant(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (y < 1970 || y > 9999) return false;
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && t.getUTCHours() === h && t.getUTCMinutes() === mi && t.getUTCSeconds() === s;
}

/**
 * Decodes a cursor; `undefined` when it is not one this API produced. Everything is checked
 * before it can reach SQL: the base64url alphabet, a real UTC instant, a well-formed UUID.
 */
export function decodeCursor(s: string): Cursor | undefined {
  if (s.length > 200 || !/^[A-Za-z0-9_-]+$/.test(s)) return undefined;
  const text = Buffer.from(s, 'base64url').toString('utf8');
  const m = SHAPE.exec(text);
  if (m === null) return undefined;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (!isRealInstant(y, mo, d, h, mi, sec)) return undefined;
  const createdAt = text.slice(0, text.indexOf('|'));
  return { createdAt, id: m[8]!.toLowerCase() };
}
