import { inspect, type InspectOptions } from 'node:util';
import { REDACTED } from './marker.ts';
import { redactUrlCredentials } from './url-credentials.ts';

export { REDACTED } from './marker.ts';

/**
 * Shows a received value in an error message: quoted and truncated, `[redacted]` when secret,
 * `nothing` when absent. @internal
 */
export function maskValue(value: string | undefined, isSecret: boolean): string {
  if (value === undefined) return 'nothing';
  if (isSecret) return REDACTED;
  const quoted = JSON.stringify(redactUrlCredentials(value));
  return quoted.length > 82 ? `${quoted.slice(0, 80)}…"` : quoted;
}

/** Replaces every occurrence of each secret in `text` with `[redacted]`. @internal */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join(REDACTED);
  return out;
}

/**
 * A plain deep copy of a config node with the values at `secretKeys` replaced by `[redacted]`
 * and URL credentials in every other string masked ({@link redactUrlCredentials}).
 * `prefix` is the node's key (`database`) or `''` for the root. @internal
 */
export function redactedCopy(node: object, prefix: string, secretKeys: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(node)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (secretKeys.has(key)) out[name] = value === undefined ? undefined : REDACTED;
    else if (isSection(value, key, secretKeys)) out[name] = redactedCopy(value as object, key, secretKeys);
    else out[name] = withoutUrlCredentials(value);
  }
  return out;
}

/**
 * `value` with URL credentials masked in every string it holds (a list of URLs, a JSON field);
 * returns `value` itself when there is nothing to mask. @internal
 */
export function withoutUrlCredentials(value: unknown): unknown {
  if (typeof value === 'string') return redactUrlCredentials(value);
  if (Array.isArray(value)) {
    const items = value.map(withoutUrlCredentials);
    return items.every((item, i) => item === value[i]) ? value : items;
  }
  if (isPlainObject(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const [name, child] of Object.entries(value)) {
      const masked = withoutUrlCredentials(child);
      if (masked !== child) (copy ??= { ...value })[name] = masked;
    }
    return copy ?? value;
  }
  return value;
}

function isSection(value: unknown, key: string, secretKeys: ReadonlySet<string>): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const secretKey of secretKeys) if (secretKey.startsWith(`${key}.`)) return true;
  return false;
}

/**
 * Makes every printing path of a config node redact secrets: adds non-enumerable `toJSON`
 * (for `JSON.stringify`) and `util.inspect.custom` (for `console.log`, `util.inspect`, test
 * runners) to the node and to each nested section, then freezes it deeply.
 * Spreading the object (`{ ...config }`) copies plain values only; use {@link redactConfig}. @internal
 */
export function protect(node: object, prefix: string, secretKeys: ReadonlySet<string>): void {
  Object.defineProperty(node, 'toJSON', {
    value: (): Record<string, unknown> => redactedCopy(node, prefix, secretKeys),
  });
  Object.defineProperty(node, inspect.custom, {
    value: (depth: number, options: InspectOptions, inspectFn: typeof inspect = inspect): string =>
      inspectFn(redactedCopy(node, prefix, secretKeys), { ...options, depth: options.depth ?? depth }),
  });
  for (const [name, value] of Object.entries(node)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (isPlainObject(value) && !secretKeys.has(key)) protect(value, key, secretKeys);
    else deepFreeze(value);
  }
  Object.freeze(node);
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  if (!Array.isArray(value) && !isPlainObject(value)) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}
