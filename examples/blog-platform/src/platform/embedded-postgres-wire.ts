/** PostgreSQL wire-protocol message builders of the embedded PostgreSQL bridge. */

/** One message: its type byte, its length, its body. */
export function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

/** NUL-terminated UTF-8 strings, one after the other. */
export function cstrings(...parts: string[]): Buffer {
  return Buffer.concat(parts.map((p) => Buffer.from(`${p}\0`, 'utf8')));
}

/** Big-endian 32-bit integers, one after the other. */
export function int32(...values: number[]): Buffer {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeInt32BE(v, i * 4));
  return b;
}

/** `Close` of each named prepared statement, then `Sync`. */
export function closeStatements(names: readonly string[]): Buffer {
  return Buffer.concat([...names.map((name) => message('C', Buffer.concat([Buffer.from('S', 'latin1'), cstrings(name)]))), message('S', Buffer.alloc(0))]);
}

/** An `ErrorResponse`: severity, SQLSTATE and message (what `pg` turns into an error with `code`). */
export function errorResponse(severity: 'ERROR' | 'FATAL', sqlState: string, text: string): Buffer {
  const field = (type: string, value: string): Buffer => Buffer.concat([Buffer.from(type, 'latin1'), cstrings(value)]);
  return message('E', Buffer.concat([field('S', severity), field('V', severity), field('C', sqlState), field('M', text), Buffer.alloc(1)]));
}
