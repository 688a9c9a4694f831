/**
 * Base class of every error thrown by `@podkit/http`, server and client side.
 *
 * Each subclass carries a stable, documented `code` (`ERR_PODKIT_HTTP_*`) that callers can
 * switch on; messages may change between versions, codes do not.
 *
 * @example
 * ```ts
 * try { await serve(service, app, { port: -1 }); }
 * catch (err) { if (isPodkitHttpError(err)) console.error(err.code); }
 * ```
 */
export class PodkitHttpError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_PODKIT_HTTP_OPTIONS`. */
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
 * Whether `value` is a {@link PodkitHttpError} (or a subclass of it).
 *
 * @example
 * ```ts
 * if (isPodkitHttpError(err) && err.code === 'ERR_PODKIT_HTTP_OPTIONS') { ... }
 * ```
 */
export function isPodkitHttpError(value: unknown): value is PodkitHttpError {
  return value instanceof PodkitHttpError;
}

/**
 * `@podkit/http` was imported on a Node.js older than it supports. Thrown by the import itself,
 * before any dependency is evaluated, so the message names the versions instead of showing a
 * dependency's internal error.
 *
 * Code: `ERR_PODKIT_HTTP_NODE_VERSION`.
 */
export class HttpNodeVersionError extends PodkitHttpError {
  /** The oldest supported Node.js version, e.g. `22.19.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_HTTP_NODE_VERSION', `@podkit/http requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}
