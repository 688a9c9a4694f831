/**
 * Base class of every error thrown by `@podkit/fastify`. Each subclass carries a stable,
 * documented `code` (`ERR_PODKIT_FASTIFY_*`); messages may change between versions, codes do not.
 *
 * @example
 * ```ts
 * try { await serveFastify(service, app); }
 * catch (err) { if (isPodkitFastifyError(err)) console.error(err.code); }
 * ```
 */
export class PodkitFastifyError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_PODKIT_FASTIFY_WIRING`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable message naming what is wrong and how to fix it
   * @param options - standard `ErrorOptions` (e.g. `cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Whether `value` is a {@link PodkitFastifyError} (or a subclass of it). */
export function isPodkitFastifyError(value: unknown): value is PodkitFastifyError {
  return value instanceof PodkitFastifyError;
}

/**
 * The Fastify app is not wired the way {@link serveFastify} needs: the {@link podkitFastify}
 * plugin was not registered (or registered without a `service`), or the app already listens on
 * its own (`app.listen()` was called). The message says which and how to fix it.
 *
 * Code: `ERR_PODKIT_FASTIFY_WIRING`.
 */
export class FastifyWiringError extends PodkitFastifyError {
  /**
   * @param message - what is wrong and how to fix it
   */
  constructor(message: string) {
    super('ERR_PODKIT_FASTIFY_WIRING', message);
  }
}

/**
 * `@podkit/fastify` was imported on a Node.js older than it supports. Thrown by the import
 * itself, before any dependency is evaluated.
 *
 * Code: `ERR_PODKIT_FASTIFY_NODE_VERSION`.
 */
export class FastifyNodeVersionError extends PodkitFastifyError {
  /** The oldest supported Node.js version, e.g. `22.19.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_FASTIFY_NODE_VERSION', `@podkit/fastify requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}
