import { intOption, requireFunction, requireName } from '../internal/options.ts';
import { createRunner } from '../internal/runner.ts';
import type { Delivery, Runner } from '../internal/runner.ts';
import { wire } from '../internal/wire.ts';
import { ConsumerOptionsError } from '../errors.ts';
import type { Consumer, ConsumerOptions, ConsumerService } from '../types.ts';
import { internalsOf } from './queue.ts';
import type { MemoryMessage, MemoryQueue, MemoryQueueInternals } from './queue.ts';

/** Options of {@link consumeMemory}. */
export interface MemoryConsumerOptions<T> extends ConsumerOptions<MemoryMessage<T>> {
  /** The queue to consume, from `createMemoryQueue()`. */
  readonly queue: MemoryQueue<T>;
  /**
   * Messages handled at once: the in-flight bound.
   * @default 10
   */
  readonly maxInFlight?: number;
}

function delivery<T>(queue: MemoryQueueInternals<T>, message: MemoryMessage<T>): Delivery {
  return {
    messageId: message.id,
    deliveries: message.deliveries,
    ack: () => queue.ack(message),
    // to the back, as a RabbitMQ retry: the other messages are not held up by a failing one
    retry: () => queue.requeue(message, 'back'),
    deadLetter: (reason) => queue.deadLetter(message, reason),
    // to the front: the next consumer takes it first
    release: () => queue.requeue(message, 'front'),
  };
}

/**
 * Consumes an in-process {@link MemoryQueue} with the same semantics as the broker adapters: at
 * most `maxInFlight` handlers at once, a message acked only after its handler finished, a failing
 * message retried (to the back of the queue) up to `maxDeliveries`, then dead-lettered into
 * `queue.deadLetters`; on SIGTERM intake stops at once, in-flight handlers finish within the drain
 * budget and what did not finish goes back to the front of the queue for the next consumer.
 * Readiness `consumer:<name>` is down once the consumer is closed.
 *
 * For tests and single-process local runs (no broker to install); messages do not survive the
 * process. `closeConnection` has no effect (there is no connection).
 *
 * @example
 * ```ts
 * import { createService } from '@podkit/core';
 * import { consumeMemory, createMemoryQueue } from '@podkit/consumers/memory';
 *
 * const service = createService({ name: 'counter', version: '1.0.0' });
 * const queue = createMemoryQueue<{ postId: string }>('comment-events');
 * await consumeMemory(service, { name: 'comment-events', queue, maxInFlight: 4, handler: async (msg) => count(msg.body.postId) });
 * queue.publish({ postId: 'p1' });
 * ```
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async like the broker adapters, so callers treat all three alike
export async function consumeMemory<T>(service: ConsumerService, options: MemoryConsumerOptions<T>): Promise<Consumer> {
  const name = requireName('name', options.name);
  const handler = requireFunction('handler', options.handler);
  const maxInFlight = intOption('maxInFlight', options.maxInFlight, 10, 1, 65_535);
  const maxDeliveries = intOption('maxDeliveries', options.maxDeliveries, 5, 1, 1_000_000);
  const queue = internalsOf(options.queue as MemoryQueue<T> | undefined ?? ({} as MemoryQueue<T>));
  if (queue === undefined) throw new ConsumerOptionsError('queue', 'must be a queue from createMemoryQueue()');
  const intake = new AbortController();
  let closed = false;
  const runner: Runner<MemoryMessage<T>> = createRunner({
    name,
    service,
    handler,
    maxDeliveries,
    stopIntake: () => intake.abort(),
  });
  const loop = async (): Promise<void> => {
    while (!runner.stopped) {
      await runner.waitForSlot(maxInFlight);
      if (runner.stopped) return;
      const message = await queue.take(intake.signal);
      if (message === undefined) return;
      runner.accept(delivery(queue, message), message);
    }
  };
  void loop();
  runner.log.info({ queue: queue.name, maxInFlight, maxDeliveries }, 'consuming');
  return wire({
    name,
    service,
    runner,
    check: () => {
      if (closed) throw new Error('consumer closed');
    },
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  });
}
