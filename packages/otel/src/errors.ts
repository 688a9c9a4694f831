/**
 * Base class of every error thrown by `@podkit/otel`. Each subclass carries a stable, documented
 * `code` (`ERR_PODKIT_OTEL_*`) that callers can switch on; messages may change, codes do not.
 *
 * @example
 * ```ts
 * try { await startTelemetry(service); }
 * catch (err) { if (isPodkitOtelError(err)) console.error(err.code); }
 * ```
 */
export class PodkitOtelError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_PODKIT_OTEL_CONFIG`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable message naming the offending variable and reason
   * @param options - standard `ErrorOptions` (e.g. `cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Whether `value` is a {@link PodkitOtelError} (or a subclass of it). */
export function isPodkitOtelError(value: unknown): value is PodkitOtelError {
  return value instanceof PodkitOtelError;
}

/**
 * A standard `OTEL_*` environment variable (or the matching option) has a value this package
 * cannot use. The message names the variable, the value when it cannot hold a secret, and why.
 */
export class TelemetryConfigError extends PodkitOtelError {
  /** The variable (or option) that was rejected, e.g. `OTEL_TRACES_SAMPLER`. */
  readonly variable: string;

  /**
   * @param variable - the environment variable or option name
   * @param reason - why the value was rejected (must not contain a secret)
   */
  constructor(variable: string, reason: string) {
    super('ERR_PODKIT_OTEL_CONFIG', `${variable}: ${reason}`);
    this.variable = variable;
  }
}

/** `import '@podkit/otel'` on a Node.js older than the package's `engines.node`. */
export class OtelNodeVersionError extends PodkitOtelError {
  /** The oldest supported Node.js version, e.g. `22.12.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_OTEL_NODE_VERSION', `@podkit/otel requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}
