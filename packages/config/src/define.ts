import type { z } from 'zod';
import { loadOnce } from './load.ts';
import { resolveLoadOptions, type LoadOptions } from './options.ts';
import { compileSchema, type ConfigField } from './schema/fields.ts';
import type { ConfigDirectoryError, ConfigValidationError } from './errors.ts';

/** A deeply readonly view of `T`: what a loaded config is (it is also frozen at runtime). */
export type DeepReadonly<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends Date
    ? T
    : T extends readonly (infer U)[]
      ? readonly DeepReadonly<U>[]
      : T extends object
        ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
        : T;

/** A loaded configuration for schema `S`: the schema's output type, deeply frozen. */
export type Config<S extends z.ZodType> = DeepReadonly<z.output<S>>;

/** The outcome of {@link ConfigDefinition.safeLoad}. */
export type LoadResult<S extends z.ZodType> =
  | { readonly ok: true; readonly config: Config<S> }
  | { readonly ok: false; readonly error: ConfigValidationError | ConfigDirectoryError };

/** Options of {@link defineConfig}. */
export interface DefineOptions {
  /**
   * Prefix of every environment variable name: with `'BLOG_'`, `database.host` is read from
   * `BLOG_DATABASE_HOST` (and `BLOG_database.host`, as `envFrom` with `prefix:` produces).
   * @default ''
   */
  envPrefix?: string;
}

/**
 * A schema compiled once into configuration keys: load it, watch it, document it.
 * Create one with {@link defineConfig}.
 */
export interface ConfigDefinition<S extends z.ZodType> {
  /** The zod schema. */
  readonly schema: S;
  /** The env var prefix. */
  readonly envPrefix: string;
  /** Every key in schema order, with its names, type, default and flags. */
  readonly fields: readonly ConfigField[];
  /**
   * Reads every source, coerces, validates and returns the frozen config.
   * @throws {@link ConfigValidationError} listing every problem at once.
   * @throws {@link ConfigDirectoryError} when an explicitly named ConfigMap/Secret directory is missing.
   */
  load(options?: LoadOptions): Config<S>;
  /** Like {@link ConfigDefinition.load} but returns the error instead of throwing it. */
  safeLoad(options?: LoadOptions): LoadResult<S>;
}

/**
 * Compiles a zod object schema into configuration keys. Nested `z.object`s are sections
 * (`database.host`); everything else is one key. Throws `ConfigSchemaError` when two keys map to
 * the same env var or file name.
 *
 * @example
 * ```ts
 * const definition = defineConfig(z.object({
 *   database: z.object({ host: z.string(), port: z.number().int().default(5432), password: secret(z.string()) }),
 *   log: z.object({ level: reloadable(z.enum(['debug', 'info', 'warn']).default('info')) }),
 * }));
 * const config = definition.load(); // config.database.port is a number
 * ```
 */
export function defineConfig<S extends z.ZodObject>(schema: S, options: DefineOptions = {}): ConfigDefinition<S> {
  const envPrefix = options.envPrefix ?? '';
  const compiled = compileSchema(schema, envPrefix);
  const safeLoad = (loadOptions?: LoadOptions): LoadResult<S> => {
    const outcome = loadOnce(schema, compiled, resolveLoadOptions(loadOptions));
    return outcome.ok ? { ok: true, config: outcome.config as Config<S> } : outcome;
  };
  return Object.freeze({
    schema,
    envPrefix,
    fields: compiled.fields,
    safeLoad,
    load(loadOptions?: LoadOptions): Config<S> {
      const result = safeLoad(loadOptions);
      if (!result.ok) throw result.error;
      return result.config;
    },
  });
}

/**
 * Loads a config in one call: `defineConfig(schema).load(options)`, or `definition.load(options)`
 * when given a definition.
 * @throws {@link ConfigValidationError} listing every problem at once.
 *
 * @example
 * ```ts
 * const config = loadConfig(schema, { env: process.env });
 * ```
 */
export function loadConfig<S extends z.ZodObject>(schema: S | ConfigDefinition<S>, options?: LoadOptions): Config<S> {
  return toDefinition(schema).load(options);
}

/** Accepts either a schema or a definition. @internal */
export function toDefinition<S extends z.ZodObject>(schema: S | ConfigDefinition<S>): ConfigDefinition<S> {
  return 'fields' in schema && 'safeLoad' in schema ? schema : defineConfig(schema);
}
