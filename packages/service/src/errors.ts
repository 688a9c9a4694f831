/**
 * Base class of every error thrown by `@podkit/service`.
 *
 * Each subclass carries a stable, documented `code` (`ERR_PODKIT_SERVICE_*`); messages may
 * change between versions, codes do not.
 *
 * @example
 * ```ts
 * try { await startService(definition); }
 * catch (err) { if (isPodkitServiceError(err)) console.error(err.code); }
 * ```
 */
export class PodkitServiceError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_PODKIT_SERVICE_DEFINITION`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable message naming the offending key, value and reason
   * @param options - standard `ErrorOptions` (e.g. `cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * Whether `value` is a {@link PodkitServiceError} (or a subclass of it).
 *
 * @example
 * ```ts
 * if (isPodkitServiceError(err) && err.code === 'ERR_PODKIT_SERVICE_DEFINITION') { ... }
 * ```
 */
export function isPodkitServiceError(value: unknown): value is PodkitServiceError {
  return value instanceof PodkitServiceError;
}

/**
 * A service definition cannot be run as given: no `name`/`version`, a `setup` that is not a
 * function, or a config whose conventional keys (`port`, `admin.port`, `log.level`,
 * `shutdown.gracePeriod`, `accessLog`) have the wrong type. A programming error, found before
 * anything listens.
 *
 * Code: `ERR_PODKIT_SERVICE_DEFINITION`.
 */
export class ServiceDefinitionError extends PodkitServiceError {
  /** The definition field or config key at fault, e.g. `port` or `setup`. */
  readonly key: string;

  /**
   * @param key - the definition field or config key at fault
   * @param reason - what is wrong with it and how to fix it
   */
  constructor(key: string, reason: string) {
    super('ERR_PODKIT_SERVICE_DEFINITION', `service definition: ${key} ${reason}`);
    this.key = key;
  }
}

/**
 * `@podkit/service` was imported on a Node.js older than it supports (its `engines.node`, that
 * of `@podkit/http`). Thrown by the import itself, before any dependency is evaluated.
 *
 * Code: `ERR_PODKIT_SERVICE_NODE_VERSION`.
 */
export class ServiceNodeVersionError extends PodkitServiceError {
  /** The oldest supported Node.js version, e.g. `22.19.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_SERVICE_NODE_VERSION', `@podkit/service requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}
