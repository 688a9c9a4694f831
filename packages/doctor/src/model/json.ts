/** Small readers for parsed YAML: manifests are user input, so every field is checked before use. @internal */

/** A parsed YAML mapping (a Kubernetes object or part of one), read with care: it is user input. */
export type JsonObject = { readonly [key: string]: unknown };

/** `value` if it is a mapping, else `undefined`. */
export function obj(value: unknown): JsonObject | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined;
}

/** `value` if it is a sequence, else `[]`. */
export function arr(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** `value` if it is a string, else `undefined`. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `value` if it is a finite number, else `undefined`. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The value at `path` below `root` (mappings only). */
export function at(root: unknown, ...path: readonly string[]): unknown {
  let value = root;
  for (const key of path) value = obj(value)?.[key];
  return value;
}

/** A string-to-string mapping (labels, selectors); other entries are dropped. */
export function labels(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(value) ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}
