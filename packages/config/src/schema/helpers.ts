import { z } from 'zod';
import { formatDuration, parseDuration, type DurationUnit } from '../duration.ts';
import { withMeta } from './meta.ts';

/**
 * Marks a field as secret: its value is shown as `[redacted]` by `JSON.stringify`,
 * `util.inspect`, {@link describeConfig} and error messages, and is returned by
 * {@link secretValues} so a logger can scrub it. (Every value read from a Secret directory or a
 * `NAME_FILE` file is treated as secret too, declared or not.)
 *
 * @example
 * ```ts
 * const schema = z.object({ database: z.object({ password: secret(z.string().min(1)) }) });
 * ```
 */
export function secret<T extends z.ZodType>(schema: T): T {
  return withMeta(schema, { secret: true });
}

/**
 * Marks a field as reloadable: the service applies a new value without a restart (for example a
 * log level). Config watchers report changed keys that are *not* reloadable in
 * `restartRequired`, and warn at startup when a reloadable key comes from a source that never
 * updates (an env var, or a file outside the watched directories such as a `subPath` mount).
 *
 * @example
 * ```ts
 * const schema = z.object({ log: z.object({ level: reloadable(z.enum(['debug', 'info']).default('info')) }) });
 * ```
 */
export function reloadable<T extends z.ZodType>(schema: T): T {
  return withMeta(schema, { reloadable: true });
}

/** Options of {@link duration}. */
export interface DurationOptions {
  /**
   * Unit of a bare number such as `"300"`.
   * @default 'ms'
   */
  unit?: DurationUnit;
  /** Smallest accepted duration, in milliseconds or as a duration string. */
  min?: number | string;
  /** Largest accepted duration, in milliseconds or as a duration string. */
  max?: number | string;
}

/**
 * A duration field: accepts `300ms`, `5s`, `2m`, `1h`, `1d`, sequences such as `1h30m`, a bare
 * number (read in `options.unit`) or a number of milliseconds, and outputs **milliseconds**.
 *
 * @example
 * ```ts
 * const schema = z.object({
 *   http: z.object({ timeout: duration().default(5_000) }),     // "5s" → 5000
 *   cache: z.object({ ttl: duration({ unit: 's' }) }),           // "300" → 300000
 * });
 * ```
 */
export function duration(options: DurationOptions = {}): z.ZodType<number, string | number> {
  const unit = options.unit ?? 'ms';
  const min = toMs(options.min);
  const max = toMs(options.max);
  const schema = z.union([z.number(), z.string()]).transform((input, ctx): number => {
    const ms = typeof input === 'number' ? input * 1 : parseDuration(input, unit);
    if (ms === undefined || !Number.isFinite(ms) || ms < 0) {
      ctx.addIssue({ code: 'custom', message: 'expected a duration such as 300ms, 5s, 2m or 1h' });
      return z.NEVER;
    }
    if (min !== undefined && ms < min) {
      ctx.addIssue({ code: 'custom', message: `expected a duration of at least ${formatDuration(min)}` });
      return z.NEVER;
    }
    if (max !== undefined && ms > max) {
      ctx.addIssue({ code: 'custom', message: `expected a duration of at most ${formatDuration(max)}` });
      return z.NEVER;
    }
    return ms;
  });
  return withMeta(schema, { kind: 'duration', unit });
}

function toMs(value: number | string | undefined): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const ms = parseDuration(value);
  if (ms === undefined) throw new TypeError(`duration(): invalid bound ${JSON.stringify(value)}`);
  return ms;
}

/** Options of {@link list}. */
export interface ListOptions {
  /**
   * Separator between items in a source string.
   * @default ','
   */
  separator?: string;
}

/**
 * A list field: a source string `a, b, c` becomes `['a', 'b', 'c']` (items trimmed, empty items
 * dropped, each coerced per `item`); a string starting with `[` is parsed as a JSON array.
 * A plain `z.array(...)` behaves the same with the default separator.
 *
 * @example
 * ```ts
 * const schema = z.object({ cors: z.object({ origins: list(z.url()).default([]) }) });
 * // CORS_ORIGINS="https://a.example, https://b.example"
 * ```
 */
export function list<T extends z.ZodType>(item: T, options: ListOptions = {}): z.ZodArray<T> {
  return withMeta(z.array(item), { kind: 'list', separator: options.separator ?? ',' });
}

/**
 * A JSON field: the source string is parsed with `JSON.parse` and the result validated by
 * `schema`. Use it for a `z.object` that should be one value (`FEATURES='{"beta":true}'`) rather
 * than a section of keys. A `z.record(...)` is read as JSON without this helper.
 *
 * @example
 * ```ts
 * const schema = z.object({ features: json(z.object({ beta: z.boolean() })).default({ beta: false }) });
 * ```
 */
export function json<T extends z.ZodType>(schema: T): T {
  return withMeta(schema, { kind: 'json' });
}
