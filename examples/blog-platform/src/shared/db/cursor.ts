/** A keyset pagination position: the last item's creation time and id (newest first). */
export interface Cursor {
  readonly createdAt: string;
  readonly id: string;
}

/** Encodes a cursor as an opaque base64url string. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(`${c.createdAt}|${c.id}`).toString('base64url');
}

/** Decodes a cursor; `undefined` when it is not one this API produced. */
export function decodeCursor(s: string): Cursor | undefined {
  if (s.length > 200) return undefined;
  const text = Buffer.from(s, 'base64url').toString('utf8');
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z)\|([0-9a-f-]{36})$/.exec(text);
  if (m === null || Number.isNaN(Date.parse(m[1]!))) return undefined;
  return { createdAt: m[1]!, id: m[2]! };
}
