import type { ConfigSourceKind } from './sources/types.ts';

/**
 * Base class of every error thrown by `@podkit/config`.
 *
 * Each subclass carries a stable `code` (`ERR_PODKIT_CONFIG_*`) that callers can switch on;
 * messages may change between versions, codes do not. Messages never contain secret values.
 *
 * @example
 * ```ts
 * try { loadConfig(schema); }
 * catch (err) { if (isConfigError(err)) console.error(err.message); else throw err; }
 * ```
 */
export class ConfigError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_PODKIT_CONFIG_INVALID`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable message
   * @param options - standard `ErrorOptions` (e.g. `cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** What kind of problem one {@link ConfigIssue} is. */
export type ConfigIssueKind = 'missing' | 'invalid' | 'conflict' | 'unreadable';

/**
 * One problem with one key, as listed by {@link ConfigValidationError}.
 */
export interface ConfigIssue {
  /**
   * The key as the code sees it (`database.port`), or `(root)` for schema-level refinements; for a
   * {@link ConfigDirectoryError}, the env var or option that named the directory.
   */
  readonly key: string;
  /** What went wrong. */
  readonly kind: ConfigIssueKind;
  /** Where the offending value came from; `undefined` when the key was not set anywhere. */
  readonly source: ConfigSourceKind | undefined;
  /** Env var name or file path the value came from. */
  readonly location: string | undefined;
  /** What was expected, in words (`a number`, `one of "debug" | "info"`). */
  readonly expected: string;
  /** The received value, quoted and truncated, or `[redacted]` for secrets, or `nothing`. */
  readonly received: string;
  /** The full one-line description used in the error message. */
  readonly message: string;
}

/**
 * Thrown when configuration fails to load: lists every invalid, missing, conflicting or
 * unreadable key at once, each with the key, the source it came from (env var name or file
 * path), what was expected and what was received (masked if secret).
 *
 * Code: `ERR_PODKIT_CONFIG_INVALID`.
 *
 * @example
 * ```text
 * Invalid configuration (2 problems):
 *   - database.port: expected an integer, received "fals" (config-map /etc/config/database.port)
 *   - apiKey: required but not set (set env API_KEY or API_KEY_FILE, or Secret key api-key)
 * ```
 */
export class ConfigValidationError extends ConfigError {
  /** Every problem found, in schema order. */
  readonly issues: readonly ConfigIssue[];

  /** @param issues - every problem found (at least one) */
  constructor(issues: readonly ConfigIssue[]) {
    const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
    super(
      'ERR_PODKIT_CONFIG_INVALID',
      `Invalid configuration (${count}):\n${issues.map((i) => `  - ${i.message}`).join('\n')}`,
    );
    this.issues = Object.freeze([...issues]);
  }
}

/**
 * Thrown by {@link defineConfig} when the schema itself cannot be used as configuration, for
 * example when two fields map to the same environment variable (`database.host` and
 * `databaseHost` are both `DATABASE_HOST`) or the root is not a `z.object`.
 *
 * Code: `ERR_PODKIT_CONFIG_SCHEMA`.
 */
export class ConfigSchemaError extends ConfigError {
  /** @param message - what is wrong with the schema */
  constructor(message: string) {
    super('ERR_PODKIT_CONFIG_SCHEMA', message);
  }
}

/**
 * Thrown by `load()` (returned by `safeLoad()`, reported by a watcher's reload) when a ConfigMap
 * or Secret directory that was named explicitly (the `configDir`/`secretsDir` option, or the
 * `PODKIT_CONFIG_DIR`/`PODKIT_SECRETS_DIR` env var) does not exist, is not a directory, or cannot
 * be read. Only the implicit defaults `/etc/config` and `/etc/secrets` may be absent; a mounted
 * directory that cannot be read is an error whoever named it. A mistyped mount path therefore
 * stops the service instead of silently running on defaults.
 *
 * Code: `ERR_PODKIT_CONFIG_DIRECTORY`.
 *
 * @example
 * ```text
 * ConfigMap directory /etc/confg (named by env PODKIT_CONFIG_DIR="/etc/confg") does not exist; fix the path or mount the volume there (only the default /etc/config may be absent)
 * ```
 */
export class ConfigDirectoryError extends ConfigError {
  /** Which directory: the ConfigMap or the Secret one. */
  readonly source: 'config-map' | 'secret';
  /** The directory's absolute path. */
  readonly path: string;
  /** Who named it: `option configDir`, `env PODKIT_CONFIG_DIR="..."`, or `undefined` for the default. */
  readonly namedBy: string | undefined;
  /** What is wrong: `does not exist`, `is not a directory`, `cannot be read (permission denied)`. */
  readonly reason: string;
  /**
   * The same problem as one {@link ConfigIssue} (key: the env var or option that named the
   * directory, `PODKIT_CONFIG_DIR`/`PODKIT_SECRETS_DIR` for a default one; kind `missing` or
   * `unreadable`), so code that lists `error.issues` of a failed `safeLoad()` handles both
   * errors alike.
   */
  readonly issues: readonly ConfigIssue[];

  /**
   * @param source - `config-map` or `secret`
   * @param path - the directory's absolute path
   * @param namedBy - the option or env var that named it; `undefined` for the default location
   * @param reason - what is wrong with it
   * @param options - standard `ErrorOptions` (`cause`: the file system error)
   */
  constructor(source: 'config-map' | 'secret', path: string, namedBy: string | undefined, reason: string, options?: ErrorOptions) {
    const label = source === 'secret' ? 'Secret' : 'ConfigMap';
    const fallback = source === 'secret' ? '/etc/secrets' : '/etc/config';
    const by = namedBy === undefined ? 'the default location' : `named by ${namedBy}`;
    const fix = reason.startsWith('cannot be read')
      ? 'fix its permissions (fsGroup, defaultMode)'
      : `fix the path or mount the volume there (only the default ${fallback} may be absent)`;
    const problem = `${label} directory ${path} (${by}) ${reason}`;
    super('ERR_PODKIT_CONFIG_DIRECTORY', `${problem}; ${fix}`, options);
    this.source = source;
    this.path = path;
    this.namedBy = namedBy;
    this.reason = reason;
    const key = namedBy?.replace(/^(option|env) /, '').replace(/=.*$/, '') ?? (source === 'secret' ? 'PODKIT_SECRETS_DIR' : 'PODKIT_CONFIG_DIR');
    this.issues = Object.freeze([
      Object.freeze({
        key,
        kind: reason.startsWith('cannot be read') ? ('unreadable' as const) : ('missing' as const),
        source,
        location: path,
        expected: 'a readable directory',
        received: 'nothing',
        message: `${key}: ${problem}`,
      }),
    ]);
  }
}

/**
 * Whether `value` is a {@link ConfigError} (or a subclass of it).
 *
 * @example
 * ```ts
 * if (isConfigError(err) && err.code === 'ERR_PODKIT_CONFIG_INVALID') { ... }
 * ```
 */
export function isConfigError(value: unknown): value is ConfigError {
  return value instanceof ConfigError;
}

/**
 * Reported to a config watcher's error listeners when watching itself fails (a watched directory
 * was removed, `fs.watch` failed) or a change listener threw. The last good config stays in use.
 *
 * Code: `ERR_PODKIT_CONFIG_WATCH`.
 */
export class ConfigWatchError extends ConfigError {
  /**
   * @param message - what failed
   * @param options - standard `ErrorOptions` (`cause`: the underlying error)
   */
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_PODKIT_CONFIG_WATCH', message, options);
  }
}

/**
 * `@podkit/config` was imported on a Node.js older than it supports. Thrown by the import itself,
 * before any dependency is evaluated, so the message names the versions instead of showing a
 * dependency's internal error.
 *
 * Code: `ERR_PODKIT_CONFIG_NODE_VERSION`.
 */
export class ConfigNodeVersionError extends ConfigError {
  /** The oldest supported Node.js version, e.g. `22.12.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_CONFIG_NODE_VERSION', `@podkit/config requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}
