/** `"000"` … `"999"`: the milliseconds part of a timestamp. */
const MILLIS: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/**
 * A pino `timestamp` function writing what `pino.stdTimeFunctions.isoTime` writes,
 * `,"time":"2026-12-04T02:20:15.123Z"`, byte for byte, at a fraction of the cost:
 * `Date.prototype.toISOString()` formats through V8's `snprintf` (about 5,000 instructions a
 * call, the largest single cost of a short log line), while here the text up to the seconds is
 * built once per second and the milliseconds come from a table. Each call reads `Date.now()`
 * (so fake timers in tests apply). Years outside 0–9999, whose ISO form is longer, are
 * formatted by `toISOString()` as before. `createLogger` uses one per logger.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * import { createIsoTime } from '@podkit/core';
 *
 * const logger = pino({ timestamp: createIsoTime() });
 * ```
 */
export function createIsoTime(): () => string {
  let second = Number.NaN;
  let head = '';
  let lastMs = Number.NaN;
  let last = '';
  return function isoTime(): string {
    const now = Date.now();
    if (now === lastMs) return last;
    const s = Math.floor(now / 1000);
    if (s !== second) {
      const iso = new Date(s * 1000).toISOString();
      if (iso.length !== 24) return `,"time":"${new Date(now).toISOString()}"`;
      second = s;
      head = `,"time":"${iso.slice(0, 20)}`;
    }
    lastMs = now;
    last = `${head}${MILLIS[now - s * 1000]!}Z"`;
    return last;
  };
}
