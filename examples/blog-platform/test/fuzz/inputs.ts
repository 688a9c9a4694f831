/**
 * Hostile inputs for the API fuzz test: strings PostgreSQL or JSON trip over, wrong types, huge
 * numbers, malformed cursors and ids, broken bodies. Deterministic (no randomness), so a failure
 * names the exact request that caused it.
 */

/** Strings: NUL, lone surrogates, over-long, SQL/HTML/path tricks, control and bidi characters. */
export const STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udfff\ud800',
  '\ud83d\ude00 ok',
  'x'.repeat(70_000),
  'é'.repeat(300),
  "' OR 1=1 --",
  "'; DROP TABLE posts; --",
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '\u202eevil',
  '\r\n\t',
  '\u0001\u001f\u007f',
  'null',
  '-1',
  '1e309',
  '00000000-0000-0000-0000-000000000000',
  '------------------------------------',
];

/** JSON values of the wrong type, including numbers JSON can write but JavaScript cannot hold. */
export const VALUES: readonly unknown[] = [
  ...STRINGS,
  0,
  -1,
  1.5,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  true,
  false,
  null,
  [],
  {},
  [null],
  ['\u0000'],
  ['not-a-uuid'],
  Array.from({ length: 50 }, () => '00000000-0000-4000-8000-000000000000'),
  { $gt: '' },
];

/** Whole request bodies that are not what any route expects (sent as `application/json`). */
export const RAW_BODIES: readonly (string | Buffer)[] = [
  '',
  '{',
  '[]',
  '"a string"',
  '123',
  'null',
  '{"title":1e400,"body":-1e400}',
  '{"a":1,"a":2}',
  '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}',
  `${'['.repeat(200)}${']'.repeat(200)}`,
  `${'{"a":'.repeat(100)}1${'}'.repeat(100)}`,
  '\ufeff{"title":"bom"}',
  '{"title":"\\u0000","body":"\\ud800"}',
  Buffer.from([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), // {"t":"<invalid UTF-8>"}
  JSON.stringify({ title: 'x'.repeat(200_000) }),
];

/** Path segments where an id goes (raw, as they appear on the wire). */
export const BAD_IDS: readonly string[] = [
  'nope',
  '%00',
  '%ZZ',
  '%',
  '00000000-0000-0000-0000-000000000000',
  '00000000-0000-4000-8000-00000000000g',
  '------------------------------------',
  'x'.repeat(300),
  '%F0%9F%98%80',
  '%ED%A0%80',
  '..%2F..%2Fetc%2Fpasswd',
  "1'%20OR%20'1'%3D'1",
  '%27%3B--',
  '-1',
  '1e309',
];

const uuid = '3f1c2b9e-8d4a-4e6f-9b2c-7a1d0e5f4c3b';
const b64 = (s: string): string => Buffer.from(s).toString('base64url');

/** Pagination cursors: not base64url, impossible dates, bad uuids, NUL, over-long. */
export const BAD_CURSORS: readonly string[] = [
  'zzz',
  '%00',
  '!!!!',
  'a'.repeat(300),
  b64(`2026-02-31T00:00:00Z|${uuid}`),
  b64(`2026-13-01T00:00:00Z|${uuid}`),
  b64(`2026-01-01T24:00:00Z|${uuid}`),
  b64(`2026-01-01T23:59:60Z|${uuid}`),
  b64(`0000-01-01T00:00:00Z|${uuid}`),
  b64(`99999-01-01T00:00:00Z|${uuid}`),
  b64(`2026-01-01T00:00:00.1234567Z|${uuid}`),
  b64('2026-01-01T00:00:00Z|------------------------------------'),
  b64('2026-01-01T00:00:00Z|00000000-0000-0000-0000-00000000000g'),
  b64(`2026-01-01T00:00:00Z|${uuid}\u0000`),
  b64(`\u0000|${uuid}`),
  b64(`2026-01-01T00:00:00Z|${uuid}|extra`),
  b64(`2026-01-01T00:00:00Z${uuid}`),
  `${b64(`2026-01-01T00:00:00Z|${uuid}`)}==`,
  `${b64(`2026-01-01T00:00:00Z|${uuid}`)}%00`,
];

/** Values of `limit`: not numbers, out of range, huge. */
export const BAD_LIMITS: readonly string[] = ['0', '-1', '101', '1.5', 'abc', '1e309', '', '%00', '9'.repeat(400), '0x10', ' 5', 'Infinity', 'NaN'];

/** Headers that are not a usable bearer token. */
export const BAD_AUTHORIZATIONS: readonly string[] = [
  'Bearer',
  'Bearer ',
  'Bearer garbage',
  'Bearer a.b.c',
  `Bearer ${'a'.repeat(5000)}`,
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  'Basic Zm9vOmJhcg==',
  'bearer\tx',
];

/** `Idempotency-Key` values: too long, empty, odd characters. */
export const BAD_IDEMPOTENCY_KEYS: readonly string[] = ['', ' ', 'k'.repeat(200), 'a b', '"quoted"', 'x'.repeat(129)];
