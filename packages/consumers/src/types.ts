import type { Service } from '@podkit/core';

/**
 * The parts of a `@podkit/core` service a consumer plugs into: the logger (handler errors with
 * the message id), the metrics registry, health (a readiness check on the broker connection)
 * and the lifecycle (intake stops when shutdown begins, a drainer, a closing hook).
 */
export type ConsumerService = Pick<Service, 'logger' | 'metrics' | 'health' | 'lifecycle'>;

/** What a message handler receives beside the message. */
export interface HandlerContext {
  /** Aborted when the drain deadline passes: the message is being returned to the broker. */
  readonly signal: AbortSignal;
  /** Which delivery of this message this is, from 1 (see the retry policy in docs/queue-consumers.md). */
  readonly deliveries: number;
  /** The message id used in logs: the broker's message id, else queue/stream and sequence. */
  readonly messageId: string;
}

/**
 * How a message left the consumer, the `outcome` label of `podkit_consumer_messages_total`:
 * `success` (handler finished, acked), `retry` (handler failed, given back for another delivery),
 * `dead_letter` (handler failed on its last allowed delivery), `released` (returned unhandled or
 * cut during shutdown, for another consumer to take).
 */
export type MessageOutcome = 'success' | 'retry' | 'dead_letter' | 'released';

/** The drainer's result, logged by the lifecycle; `cut` above zero makes the exit code 1. */
export interface ConsumerDrainResult {
  /** Whether every in-flight handler finished before the deadline. */
  readonly completed: boolean;
  /** Handlers still running at the deadline: their messages were returned to the broker. */
  readonly cut: number;
  /** Messages that arrived after intake stopped, returned unhandled (not an error). */
  readonly released: number;
}

/** Options common to every adapter. */
export interface ConsumerOptions<M> {
  /** Name of this consumer: `consumer` metric label, log field and readiness check `consumer:<name>`. */
  readonly name: string;
  /**
   * Handles one message. Resolve when the work is done: the message is acked only then. Throw
   * (or reject) to have it retried, up to `maxDeliveries`, then dead-lettered.
   */
  readonly handler: (message: M, context: HandlerContext) => Promise<void> | void;
  /**
   * Deliveries of one message allowed before a failing message is dead-lettered (counting the
   * first). `1` dead-letters on the first failure.
   * @default 5
   */
  readonly maxDeliveries?: number;
  /**
   * Whether the shutdown hook closes the connection you passed in. Set `false` when the
   * connection is shared and you close it yourself.
   * @default true
   */
  readonly closeConnection?: boolean;
}

/** A running consumer. */
export interface Consumer {
  /** The consumer's name. */
  readonly name: string;
  /** Handlers running now (never above the prefetch / in-flight bound). */
  readonly inFlight: number;
  /** Stops taking messages (as shutdown does); in-flight handlers go on. Idempotent. */
  stopIntake(): Promise<void>;
  /**
   * Stops intake, waits for in-flight handlers until `signal` aborts, returns the rest to the
   * broker. This is what the registered drainer runs.
   */
  drain(signal?: AbortSignal): Promise<ConsumerDrainResult>;
  /** Drains without a deadline, then closes the channel (and connection, unless `closeConnection: false`). */
  close(): Promise<void>;
}
