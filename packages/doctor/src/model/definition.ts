/**
 * The part of a `@podkit/config` definition (`defineConfig(schema)`) the doctor reads: its
 * fields with env names, file names, defaults and flags. Typed structurally, so the doctor works
 * with the user's own copy of `@podkit/config`.
 */
export interface DefinitionField {
  /** The key as the code sees it: `database.host`. */
  readonly key: string;
  /** Every env var name accepted, preferred first. */
  readonly envNames: readonly string[];
  /** The preferred ConfigMap key. */
  readonly configMapKey: string;
  /** Every file name accepted in a mounted directory, preferred first. */
  readonly fileNames: readonly string[];
  /** The default as written in a ConfigMap, or `undefined`. */
  readonly defaultValue: string | undefined;
  /** Declared with `secret()`. */
  readonly secret: boolean;
  /** Declared with `reloadable()`. */
  readonly reloadable: boolean;
}

/** A compiled config definition as `defineConfig` returns it (only `fields` is read). */
export interface DefinitionLike {
  /** The definition's keys. */
  readonly fields: readonly DefinitionField[];
}

/** Whether `value` looks like a compiled definition. @internal */
export function isDefinitionLike(value: unknown): value is DefinitionLike {
  return typeof value === 'object' && value !== null && Array.isArray((value as { fields?: unknown }).fields);
}
