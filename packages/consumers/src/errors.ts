/**
 * Base class of every error thrown by `@podkit/consumers`. Each subclass has a stable `code`
 * (`ERR_PODKIT_CONSUMER_*`) that callers can switch on; messages may change, codes do not.
 *
 * @example
 * ```ts
 * try { await consumeAmqp(service, options); }
 * catch (err) { if (isPodkitConsumerError(err)) console.error(err.code); }
 * ```
 */
export class PodkitConsumerError extends Error {
  /** Stable machine-readable code, e.g. `ERR_PODKIT_CONSUMER_OPTIONS`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable message naming the option, the value and the reason
   * @param options - standard `ErrorOptions` (e.g. `cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * An option passed to `consumeAmqp()` or `consumeJetStream()` is invalid (missing, wrong type,
 * out of range). Thrown before anything is consumed. The message names the option, the value
 * and why it was rejected.
 *
 * Code: `ERR_PODKIT_CONSUMER_OPTIONS`.
 */
export class ConsumerOptionsError extends PodkitConsumerError {
  /** The option that was rejected, e.g. `prefetch`. */
  readonly option: string;

  /**
   * @param option - the option's name
   * @param message - why it was rejected
   */
  constructor(option: string, message: string) {
    super('ERR_PODKIT_CONSUMER_OPTIONS', `${option}: ${message}`);
    this.option = option;
  }
}

/**
 * A consumer could not start: the broker refused to consume the queue (it does not exist, access
 * is denied) or the JetStream stream or durable consumer does not exist. The message names the
 * consumer, what it tried and the broker's reason; `cause` is the driver's error.
 *
 * Code: `ERR_PODKIT_CONSUMER_START`.
 */
export class ConsumerStartError extends PodkitConsumerError {
  /** The consumer's `name`. */
  readonly consumer: string;

  /**
   * @param consumer - the consumer's name
   * @param what - what it tried, e.g. `consume queue "thumbnails"`
   * @param cause - the driver's error
   */
  constructor(consumer: string, what: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('ERR_PODKIT_CONSUMER_START', `consumer "${consumer}": cannot ${what}: ${reason}`, { cause });
    this.consumer = consumer;
  }
}

/**
 * `@podkit/consumers` was imported on a Node.js older than it supports. Thrown by the import
 * itself, before any dependency is evaluated.
 *
 * Code: `ERR_PODKIT_CONSUMER_NODE_VERSION`.
 */
export class ConsumerNodeVersionError extends PodkitConsumerError {
  /** The oldest supported Node.js version, e.g. `22.12.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_CONSUMER_NODE_VERSION', `@podkit/consumers requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}

/**
 * Type guard for errors thrown by `@podkit/consumers`.
 *
 * @example
 * ```ts
 * if (isPodkitConsumerError(err) && err.code === 'ERR_PODKIT_CONSUMER_OPTIONS') process.exitCode = 78;
 * ```
 */
export function isPodkitConsumerError(value: unknown): value is PodkitConsumerError {
  return value instanceof PodkitConsumerError;
}
