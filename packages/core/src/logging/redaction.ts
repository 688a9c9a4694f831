/**
 * Keys whose values are replaced by `[redacted]` wherever they appear in a logged object (walked
 * four levels deep: `req.headers.authorization`, `err.config.headers.cookie`). Keys that merely
 * look secret (`dbPassword`, `webhook_secret`, `csrfToken`) are redacted too.
 */
export const DEFAULT_REDACT_KEYS: readonly string[] = Object.freeze([
  'authorization',
  'Authorization',
  'proxy-authorization',
  'cookie',
  'Cookie',
  'set-cookie',
  'Set-Cookie',
  'password',
  'passwd',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'clientSecret',
  'client_secret',
  'apiKey',
  'api_key',
  'api-key',
  'x-api-key',
  'privateKey',
  'private_key',
  'database-password',
  'jwt-signing-key',
]);

/** Replacement written instead of a redacted value (the same marker `@podkit/config` prints). */
export const REDACTED = '[redacted]';

/** Key names that look secret even when not listed: `dbPassword`, `webhook_secret`, `csrfToken`, `x-api-key`. */
const SECRET_LIKE = /pass(?:wor)?d|secret|token$|api[-_]?key|private[-_]?key|authorization|cookie|credential/i;
/** Depth to which logged objects are walked (`err.config.headers.authorization` is depth 3). */
const MAX_DEPTH = 4;
const CACHE_LIMIT = 2048;

/** A copy-on-write key redactor: objects without sensitive keys are returned as they are. */
export interface KeyRedactor {
  /** Redacts plain objects and arrays (class instances are left alone). */
  readonly redact: <T>(value: T) => T;
  /** Redacts an object whatever its prototype (serializer output such as a serialized error). */
  readonly redactAny: <T>(value: T) => T;
}

/**
 * Builds the key redactor: a key is sensitive when it is in `keys` or looks secret
 * ({@link SECRET_LIKE}). Matching results are cached per key name, so the common case is a map
 * lookup per key; objects are walked to depth 4 and only copied along a redacted path, so the
 * caller's objects are never mutated.
 */
export function keyRedactor(keys: Iterable<string>): KeyRedactor {
  const exact = new Set(keys);
  const cache = new Map<string, boolean>();
  const sensitive = (key: string): boolean => {
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = exact.has(key) || SECRET_LIKE.test(key);
      if (cache.size < CACHE_LIMIT) cache.set(key, hit);
    }
    return hit;
  };
  const walk = (value: object, depth: number, any: boolean): object => {
    if (Array.isArray(value)) {
      const array = value as unknown[];
      let copy: unknown[] | undefined;
      for (let i = 0; i < array.length; i++) {
        const item = array[i];
        if (item === null || typeof item !== 'object' || depth >= MAX_DEPTH) continue;
        const redacted = walk(item, depth + 1, false);
        if (redacted !== item) (copy ??= array.slice())[i] = redacted;
      }
      return copy ?? array;
    }
    if (!any) {
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return value;
    }
    let copy: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (sensitive(key)) {
        // Booleans are flags (`secret: true` in a config provenance line), never secret material.
        if (item !== undefined && item !== null && typeof item !== 'boolean') (copy ??= { ...record })[key] = REDACTED;
      } else if (item !== null && typeof item === 'object' && depth < MAX_DEPTH) {
        const redacted = walk(item, depth + 1, false);
        if (redacted !== item) (copy ??= { ...record })[key] = redacted;
      }
    }
    return copy ?? value;
  };
  return {
    redact: <T>(value: T): T => (value !== null && typeof value === 'object' ? (walk(value, 0, false) as T) : value),
    redactAny: <T>(value: T): T => (value !== null && typeof value === 'object' ? (walk(value, 0, true) as T) : value),
  };
}

/** Minimum length of a secret value that is scanned for; shorter values would redact noise. */
export const MIN_SECRET_VALUE_LENGTH = 4;
function needsJsonEscape(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

/**
 * Replaces every occurrence of each secret value in `text` by {@link REDACTED}. When `json` is
 * true `text` is serialized JSON, where a value with quotes, backslashes or control characters
 * appears escaped, so the escaped form is searched for.
 */
function maskValues(text: string, values: Iterable<string>, json: boolean): string {
  let out = text;
  for (const value of values) {
    if (value.length < MIN_SECRET_VALUE_LENGTH) continue;
    const needle = json && needsJsonEscape(value) ? JSON.stringify(value).slice(1, -1) : value;
    if (out.includes(needle)) out = out.replaceAll(needle, REDACTED);
  }
  return out;
}

/**
 * Builds pino's `streamWrite` hook that replaces every occurrence of a secret value in the
 * serialized line. `values` is called once per line, so it must be cheap (return a cached
 * array or set); when it yields nothing the line is returned untouched.
 */
export function valueRedactor(values: () => Iterable<string>): (line: string) => string {
  return (line: string): string => maskValues(line, values(), true);
}

/**
 * The same value redaction for plain text (an error message kept in a health report): every
 * occurrence of a secret value is replaced by {@link REDACTED}. `values` is the logger's
 * `redactValues` source, re-read on each call so a rotated secret takes effect at once.
 */
export function textRedactor(values: () => Iterable<string>): (text: string) => string {
  return (text: string): string => maskValues(text, values(), false);
}
