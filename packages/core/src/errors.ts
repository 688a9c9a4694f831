/**
 * Base class of every error thrown by `@podkit/core`. Each subclass has a stable
 * {@link PodkitError.code} that callers can switch on; messages may change, codes do not.
 *
 * @example
 * ```ts
 * try { lifecycle.start(); } catch (err) {
 *   if (isPodkitError(err) && err.code === 'ERR_PODKIT_SHUTDOWN_BUDGET') process.exitCode = 78;
 * }
 * ```
 */
export class PodkitError extends Error {
  /** Stable machine-readable code, e.g. `ERR_PODKIT_SHUTDOWN_BUDGET`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * An option passed to a podkit factory is invalid (wrong type, out of range). The message
 * names the option, the value, where it came from and why it was rejected.
 */
export class InvalidOptionError extends PodkitError {
  /** The option that was rejected, e.g. `gracePeriodMs`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super('ERR_PODKIT_INVALID_OPTION', `${option}: ${message}`);
    this.option = option;
  }
}

/**
 * A metric name breaks the naming rules (snake_case, base units such as `_seconds` and
 * `_bytes`, counters ending in `_total`), or a name is reused with a different type or labels.
 */
export class MetricNameError extends PodkitError {
  /** The offending metric name. */
  readonly metric: string;

  constructor(metric: string, reason: string) {
    super('ERR_PODKIT_METRIC_NAME', `metric "${metric}": ${reason}`);
    this.metric = metric;
  }
}

/** A health check with the same name is already registered on this health instance. */
export class DuplicateHealthCheckError extends PodkitError {
  constructor(name: string) {
    super('ERR_PODKIT_DUPLICATE_CHECK', `health check "${name}" is already registered`);
  }
}

/** A health check did not settle within its timeout; it is reported as `down`. */
export class HealthCheckTimeoutError extends PodkitError {
  constructor(name: string, timeoutMs: number) {
    super('ERR_PODKIT_CHECK_TIMEOUT', `health check "${name}" timed out after ${String(timeoutMs)} ms`);
  }
}

/**
 * The shutdown plan does not fit the grace period Kubernetes gives the pod: the propagation
 * delay, the drain budget, the hook budget and the safety margin add up to more than
 * `gracePeriodMs`. Thrown by `createLifecycle()` (and so `createService()`) when the plan is
 * computed, so the misconfiguration is found at startup,
 * not during a rollout.
 */
export class ShutdownBudgetError extends PodkitError {
  constructor(message: string) {
    super('ERR_PODKIT_SHUTDOWN_BUDGET', message);
  }
}

/** An operation is not allowed in the lifecycle's current state (e.g. `start()` after shutdown). */
export class LifecycleStateError extends PodkitError {
  constructor(message: string) {
    super('ERR_PODKIT_LIFECYCLE_STATE', message);
  }
}

/**
 * A diagnostic (heap snapshot or report) was refused because the diagnostics directory has less
 * free space than it needs: for a heap snapshot twice the V8 heap in use (snapshot files measure
 * 0.7–1.9× the heap), for a report 1 MiB. Nothing was written.
 */
export class DiagnosticsSpaceError extends PodkitError {
  /** The directory checked. */
  readonly directory: string;
  /** Bytes the diagnostic needs. */
  readonly requiredBytes: number;
  /** Bytes free for this process in the directory's filesystem. */
  readonly availableBytes: number;

  constructor(kind: string, directory: string, requiredBytes: number, availableBytes: number) {
    super(
      'ERR_PODKIT_DIAGNOSTICS_SPACE',
      `not writing a ${kind}: ${directory} has ${mib(availableBytes)} free, it needs ${mib(requiredBytes)}; give the volume more space (emptyDir sizeLimit)`,
    );
    this.directory = directory;
    this.requiredBytes = requiredBytes;
    this.availableBytes = availableBytes;
  }
}

/** A diagnostic was requested while another one was being written; nothing new was written. */
export class DiagnosticsBusyError extends PodkitError {
  constructor(kind: string, writing: string) {
    super('ERR_PODKIT_DIAGNOSTICS_BUSY', `not writing a ${kind}: a ${writing} is being written; retry when it is done`);
  }
}

/**
 * The diagnostics directory is missing, not a directory or not writable (found when the
 * diagnostics are created, or when a write fails later). `cause` is the system error, if any.
 */
export class DiagnosticsDirectoryError extends PodkitError {
  /** The configured directory. */
  readonly directory: string;

  constructor(directory: string, reason: string, options?: ErrorOptions) {
    super('ERR_PODKIT_DIAGNOSTICS_DIRECTORY', `diagnostics directory ${directory}: ${reason}`, options);
    this.directory = directory;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

/**
 * `@podkit/core` was imported on a Node.js older than it supports. Thrown by the import itself,
 * before any dependency is evaluated, so the message names the versions instead of showing a
 * dependency's internal error.
 *
 * Code: `ERR_PODKIT_NODE_VERSION`.
 */
export class NodeVersionError extends PodkitError {
  /** The oldest supported Node.js version, e.g. `22.12.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_NODE_VERSION', `@podkit/core requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}

/**
 * A startup failure that is a configuration problem (a malformed Secret, a value that only
 * turns out wrong when used), not a bug. {@link runMain} prints its message alone on one line,
 * with its code and no stack trace, and exits 78 (`EX_CONFIG`), as it does for podkit's own
 * configuration errors. Throw it, or extend it with your own class and `code`, for what your
 * service finds wrong in its configuration while starting. It may be anywhere in the `cause`
 * chain of the error `runMain` catches. Never put a secret value in the message.
 *
 * @example
 * ```ts
 * import { ConfigurationError } from '@podkit/core';
 *
 * class SigningKeyError extends ConfigurationError {
 *   override readonly code = 'ERR_SIGNING_KEY';
 * }
 * throw new SigningKeyError('jwt-signing-key is not a PEM private key');
 * // runMain → stderr "auth: jwt-signing-key is not a PEM private key (ERR_SIGNING_KEY)", exit 78
 * ```
 */
export class ConfigurationError extends PodkitError {
  constructor(message: string, options?: ErrorOptions) {
    super('ERR_PODKIT_CONFIGURATION', message, options);
  }
}

/**
 * True when `value` is a {@link ConfigurationError} (or a subclass): a startup failure that
 * {@link runMain} answers with exit status 78.
 *
 * @example
 * ```ts
 * if (isConfigurationError(err)) logger.error({ code: err.code }, err.message);
 * ```
 */
export function isConfigurationError(value: unknown): value is ConfigurationError {
  return value instanceof ConfigurationError;
}

/**
 * Type guard for errors thrown by `@podkit/core`.
 *
 * @example
 * ```ts
 * if (isPodkitError(err)) logger.error({ code: err.code }, err.message);
 * ```
 */
export function isPodkitError(value: unknown): value is PodkitError {
  return value instanceof PodkitError;
}
