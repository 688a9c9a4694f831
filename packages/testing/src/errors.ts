/**
 * Base class of every error thrown by `@podkit/testing`.
 *
 * Each subclass carries a stable, documented `code` (`ERR_PODKIT_TESTING_*`); messages may
 * change between versions, codes do not.
 *
 * @example
 * ```ts
 * try { await simulateRollout(options); }
 * catch (err) { if (isPodkitTestingError(err)) console.error(err.code, err.message); }
 * ```
 */
export class PodkitTestingError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_PODKIT_TESTING_MANIFEST`. */
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

/** Whether `value` is a {@link PodkitTestingError} (or a subclass of it). */
export function isPodkitTestingError(value: unknown): value is PodkitTestingError {
  return value instanceof PodkitTestingError;
}

/**
 * Thrown when a Deployment manifest (or an override) cannot be simulated: not YAML, no
 * Deployment, a probe that is not `httpGet`, a port name the container does not declare, or
 * `maxSurge` and `maxUnavailable` both 0. The message names the field, its value and the source.
 */
export class ManifestError extends PodkitTestingError {
  /**
   * @param source - where the manifest came from (a file path or `inline manifest`)
   * @param field - the offending field, e.g. `spec.strategy.rollingUpdate.maxSurge`
   * @param reason - what is wrong with it
   */
  constructor(source: string, field: string, reason: string) {
    super('ERR_PODKIT_TESTING_MANIFEST', `${source}: ${field} ${reason}`);
  }
}

/**
 * Thrown when a simulated pod cannot start: its process exits or does not report its ports
 * (the `http server listening` log line or an IPC `listening` message) in time. The message
 * carries the pod name and the last lines of its output.
 */
export class PodStartError extends PodkitTestingError {
  /**
   * @param pod - the pod name, e.g. `posts-7f3a-1`
   * @param reason - what happened
   * @param tail - the last output lines of the process
   */
  constructor(pod: string, reason: string, tail: readonly string[]) {
    super('ERR_PODKIT_TESTING_POD_START', `pod ${pod} ${reason}${tail.length > 0 ? `; last output:\n${tail.join('\n')}` : ''}`);
  }
}

/**
 * Thrown when a rollout does not complete within its `timeoutMs` (new pods never become ready,
 * or keep restarting). The message says how many pods of each revision were ready.
 */
export class RolloutTimeoutError extends PodkitTestingError {
  /** @param message - what was left to do when time ran out */
  constructor(message: string) {
    super('ERR_PODKIT_TESTING_ROLLOUT_TIMEOUT', message);
  }
}

/**
 * Thrown for an invalid option: a negative delay, a status outside 100..599, a replica count
 * below 1, a fake clock moved backwards. The message names the option, its value and the reason.
 */
export class TestingOptionsError extends PodkitTestingError {
  /** @param message - the offending option, its value and the reason */
  constructor(message: string) {
    super('ERR_PODKIT_TESTING_OPTIONS', message);
  }
}

/** Thrown on an unsupported Node.js version (older than `engines.node`). */
export class TestingNodeVersionError extends PodkitTestingError {
  /** The oldest supported Node.js version, e.g. `22.12.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_TESTING_NODE_VERSION', `@podkit/testing requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}
