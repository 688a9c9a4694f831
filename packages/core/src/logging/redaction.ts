/**
 * Keys whose values are replaced by `[Redacted]` wherever they appear (top level and up to
 * three objects deep, which covers `req.headers.authorization` and `err.config.headers.cookie`).
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

/** Replacement written instead of a redacted value. */
export const REDACTED = '[Redacted]';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const MAX_DEPTH = 3;

/** Turns key names into pino redact paths at depth 0..3 (`key`, `*.key`, `*.*.key`, ...). */
export function redactPathsFor(keys: Iterable<string>): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const segment = IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
    paths.push(segment.startsWith('.') ? key : segment);
    let prefix = '*';
    for (let depth = 1; depth <= MAX_DEPTH; depth++) {
      paths.push(`${prefix}${segment}`);
      prefix += '.*';
    }
  }
  return paths;
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
 * Builds pino's `streamWrite` hook that replaces every occurrence of a secret value in the
 * serialized line. `values` is called once per line, so it must be cheap (return a cached
 * array or set); when it yields nothing the line is returned untouched.
 */
export function valueRedactor(values: () => Iterable<string>): (line: string) => string {
  return (line: string): string => {
    let out = line;
    for (const value of values()) {
      if (value.length < MIN_SECRET_VALUE_LENGTH) continue;
      // The line is JSON: a value with quotes, backslashes or control characters appears escaped.
      const needle = needsJsonEscape(value) ? JSON.stringify(value).slice(1, -1) : value;
      if (out.includes(needle)) out = out.replaceAll(needle, REDACTED);
    }
    return out;
  };
}
