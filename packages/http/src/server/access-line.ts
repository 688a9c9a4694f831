import { isDeepStrictEqual } from 'node:util';
import { createIsoTime } from '@podkit/core';
import type { Logger } from '@podkit/core';
import type { AccessLogEntry } from './access-log.ts';

/** Writes one access line at `level` (already checked to be enabled). @internal */
export type AccessLineWriter = (level: 'info' | 'warn' | 'error', entry: AccessLogEntry, msg: string) => void;

type Pinoish = Record<symbol, unknown> & Logger;
type TimeFn = () => string;
type Mixin = (obj: object, level: number, logger: Logger) => object;
type MergeStrategy = (obj: object, mixin: object) => object;
type AsJson = (obj: object, msg: string, num: number, time: string) => string;
interface Stream {
  write(line: string): unknown;
}

/** pino's internal symbols needed by the fast path, found by description on the logger itself. */
const NEEDED = ['lsCache', 'chindings', 'time', 'stream', 'end', 'asJson', 'mixin', 'mixinMergeStrategy'] as const;

function pinoSymbols(logger: Logger): Map<string, symbol> {
  const found = new Map<string, symbol>();
  for (let o: object | null = logger; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const s of Object.getOwnPropertySymbols(o)) {
      const d = s.description;
      if (d?.startsWith('pino.') === true && !found.has(d.slice(5))) found.set(d.slice(5), s);
    }
  }
  return found;
}

/** Key of `bufferedDestination`'s `(line, urgent) => void` method (`@podkit/core`). */
const WRITE_LINE = Symbol.for('podkit.log.writeLine');

/** pino's `stdTimeFunctions.isoTime` output shape: `,"time":"<ISO-8601>"`. */
const ISO_TIME = /^,"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"$/;

/**
 * A JSON string literal for `s`: the string in quotes when nothing needs escaping (printable
 * ASCII without `"` and `\`, the common case for methods, routes, paths and ids), otherwise
 * `JSON.stringify` (control characters, quotes, backslashes, non-ASCII, lone surrogates).
 */
export function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return `"${s}"`;
}

/** Same rule as pino: non-finite numbers are written as `null`. */
const num = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * `String(n)` for a duration in ms with at most three decimals (the access line's `durationMs`,
 * microsecond-rounded), from integers: V8's shortest-round-trip formatting of a double costs
 * several times an integer's, and for such values it prints exactly these digits.
 */
export function milliseconds(n: number): string {
  const us = Math.round(n * 1000);
  if (!(us >= 0 && us < 2 ** 31) || us / 1000 !== n) return num(n);
  const whole = (us / 1000) | 0;
  let frac = us - whole * 1000;
  if (frac === 0) return String(whole);
  let digits = frac < 10 ? '00' : frac < 100 ? '0' : '';
  while (frac % 10 === 0) frac /= 10;
  digits += String(frac);
  return `${String(whole)}.${digits}`;
}

/** The entry's fields as JSON members, each with a leading comma, in the entry's field order. */
export function entryMembers(e: AccessLogEntry): string {
  let s = `,"method":${jsonString(e.method)},"route":${jsonString(e.route)},"path":${jsonString(e.path)},"status":${num(e.status)},"durationMs":${milliseconds(e.durationMs)}`;
  if (e.bytes !== undefined) s += `,"bytes":${num(e.bytes)}`;
  s += `,"request_id":${jsonString(e.request_id)}`;
  if (e.trace_id !== undefined) s += `,"trace_id":${jsonString(e.trace_id)}`;
  if (e.span_id !== undefined) s += `,"span_id":${jsonString(e.span_id)}`;
  return `${s},"aborted":${e.aborted ? 'true' : 'false'}`;
}

/** Entries that exercise every branch of {@link entryMembers}, used for the self-check. */
const PROBES: readonly AccessLogEntry[] = [
  { method: 'GET', route: '/a/:id', path: '/a/1', status: 200, durationMs: 1.234, bytes: 17, request_id: 'r-1', trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331', aborted: false },
  { method: 'POST', route: 'unmatched', path: '/x"\\\u0001é\ud800', status: 499, durationMs: 0, bytes: undefined, request_id: 'r"2', trace_id: undefined, span_id: undefined, aborted: true },
  { method: 'PUT', route: '/', path: '/', status: 503, durationMs: 12, bytes: Number.NaN, request_id: 'r', trace_id: undefined, span_id: undefined, aborted: false },
];

/**
 * Builds a writer that serializes access lines directly instead of through pino's generic
 * object walk, byte-for-byte in the logger's own format: the logger's cached level prefix
 * (`{"level":"info"`), its time function (ISO time through core's `createIsoTime`), its cached
 * bindings (`service`, `version`, `pod`, child bindings), the entry's fields, `msg`, and its line
 * end; the line then goes through the logger's `streamWrite` hook (secret-value redaction) to the
 * logger's own destination, so ordering and flushing are unchanged.
 *
 * Returns `undefined` (callers then log through pino) unless, for a set of probe entries, pino's
 * own serializer (with the logger's mixin, formatters, serializers and redaction) produces the
 * same object as the fast path: a logger whose formatters or mixin add, rename or redact any of
 * these fields keeps the generic path. Also `undefined` for a logger with a `logMethod` hook or a
 * `msgPrefix`, and for destinations that need pino's per-line metadata (`pino.multistream`).
 * The mixin is consulted only by the self-check, not per line: core's mixin adds `trace_id`,
 * `span_id` and `request_id`, which the access line carries itself.
 * @internal
 */
export function fastAccessLineWriter(logger: Logger): AccessLineWriter | undefined {
  const syms = pinoSymbols(logger);
  if (NEEDED.some((n) => n !== 'mixin' && n !== 'mixinMergeStrategy' && !syms.has(n))) return undefined;
  const l = logger as Pinoish;
  const get = <T>(name: (typeof NEEDED)[number]): T => l[syms.get(name) ?? Symbol()] as T;
  const lsCache = get<Record<number, string> | undefined>('lsCache');
  const end = get<unknown>('end');
  const stream = get<Stream | undefined>('stream');
  const timeFn = get<TimeFn | undefined>('time');
  const asJson = get<AsJson | undefined>('asJson');
  const hooks = l[Symbol.for('pino.hooks')] as { streamWrite?: (s: string) => string; logMethod?: unknown } | undefined;
  // A logMethod hook or a msgPrefix act in the log call itself, before serialization: keep pino.
  if (hooks?.logMethod !== undefined || (logger as { msgPrefix?: unknown }).msgPrefix !== undefined) return undefined;
  if (lsCache === undefined || typeof end !== 'string' || stream === undefined || typeof timeFn !== 'function' || typeof asJson !== 'function') return undefined;
  if ((stream as unknown as Record<symbol, unknown>)[Symbol.for('pino.metadata')] === true) return undefined;
  const chindingsSym = syms.get('chindings')!;
  const levels = { info: logger.levels.values.info, warn: logger.levels.values.warn, error: logger.levels.values.error };
  const prefix = { info: lsCache[levels.info!], warn: lsCache[levels.warn!], error: lsCache[levels.error!] };
  if (prefix.info === undefined || prefix.warn === undefined || prefix.error === undefined) return undefined;
  const mixin = get<Mixin | undefined>('mixin');
  const merge = get<MergeStrategy | undefined>('mixinMergeStrategy') ?? ((o: object, m: object) => Object.assign(m, o));

  // Time: pino's ISO timestamp (podkit's logger or pino's isoTime) through core's cached
  // formatter; any other time function is called per line.
  const sample = timeFn.call(logger);
  const iso = ISO_TIME.test(sample) && sample.slice(9, -1) === new Date(Date.parse(sample.slice(9, -1))).toISOString();
  const time = iso ? createIsoTime() : () => timeFn.call(logger);

  const render = (level: 'info' | 'warn' | 'error', entry: AccessLogEntry, msg: string, t: string): string =>
    `${prefix[level]}${t}${l[chindingsSym] as string}${entryMembers(entry)},"msg":${jsonString(msg)}${end}`;

  // Self-check against pino's own serializer; any difference keeps the generic path.
  try {
    for (const entry of PROBES) {
      for (const level of ['info', 'warn', 'error'] as const) {
        const t = timeFn.call(logger);
        const obj = mixin === undefined ? { ...entry } : merge({ ...entry }, mixin({ ...entry }, levels[level]!, logger));
        const expected = JSON.parse(asJson.call(logger, obj, 'request completed', levels[level]!, t)) as unknown;
        if (!isDeepStrictEqual(JSON.parse(render(level, entry, 'request completed', t)), expected)) return undefined;
      }
    }
  } catch {
    return undefined;
  }
  const streamWrite = hooks?.streamWrite;
  // podkit's buffered destination takes lines whose level is known without reading it back
  const writeLine = (stream as unknown as Record<symbol, unknown>)[WRITE_LINE] as ((line: string, urgent: boolean) => void) | undefined;
  if (writeLine !== undefined) {
    return (level, entry, msg) => {
      const line = render(level, entry, msg, time());
      writeLine(streamWrite === undefined ? line : streamWrite(line), level === 'error');
    };
  }
  return (level, entry, msg) => {
    const line = render(level, entry, msg, time());
    stream.write(streamWrite === undefined ? line : streamWrite(line));
  };
}
