import { jetstream } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import { ConsumerStartError } from '../errors.ts';
import { intOption, requireFunction, requireName } from '../internal/options.ts';
import { createRunner } from '../internal/runner.ts';
import type { Runner } from '../internal/runner.ts';
import { wire } from '../internal/wire.ts';
import type { Consumer, ConsumerOptions, ConsumerService } from '../types.ts';
import { delivery } from './delivery.ts';
import type { DeliveryContext } from './delivery.ts';

/** A NATS connection (`await connect(...)` from `@nats-io/transport-node`), as `jetstream()` takes it. */
export type NatsConnectionLike = Parameters<typeof jetstream>[0];

/** Options of {@link consumeJetStream}. */
export interface JetStreamConsumerOptions extends ConsumerOptions<JsMsg> {
  /** An open NATS connection. */
  readonly connection: NatsConnectionLike;
  /** The stream. */
  readonly stream: string;
  /**
   * The durable pull consumer on it (create it at deploy time with `ack_policy: explicit` and a
   * `max_deliver` of at least `maxDeliveries`). While a handler runs, the adapter calls
   * `working()` every half `ack_wait`, so a slow handler's message is not redelivered.
   */
  readonly consumer: string;
  /**
   * Messages pulled and handled at once: the in-flight bound (`max_messages` of each pull).
   * @default 10
   */
  readonly maxInFlight?: number;
  /**
   * Subject a message is republished to (through JetStream, so a stream must capture it) before
   * it is terminated on its last failed delivery. JetStream has no dead-letter queue of its own:
   * without this, the message is terminated (`term()`) and only the server's
   * `MSG_TERMINATED` advisory records it.
   * @default undefined
   */
  readonly deadLetterSubject?: string;
  /**
   * Delay before a failed message is redelivered (`nak(delay)`), in ms.
   * @default 0
   */
  readonly retryDelayMs?: number;
  /**
   * How long one pull waits for messages (`expires` of each `fetch()`, at least 1000). JetStream
   * cannot cancel a pull: on shutdown the consumer waits for the last one to end before it hands
   * messages back, or the server would deliver them to the closed pull and hold them for the
   * whole `ack_wait`. So this is also the longest an idle consumer takes to stop.
   * @default 2000
   */
  readonly pullExpiresMs?: number;
}

/**
 * Consumes a JetStream durable pull consumer with at most `maxInFlight` messages pulled and
 * handled at once (each pull asks for the free slots only), acking each (and waiting for the
 * server's confirmation) only after its handler finished. On SIGTERM it issues no further pull,
 * lets the open one end, `nak()`s what was pulled but not started, lets
 * in-flight handlers finish within the drain budget, `nak()`s what did not finish and drains the
 * connection as a shutdown hook. A failing handler is logged with the message id; the message is
 * `nak()`ed for redelivery until `info.deliveryCount` reaches `maxDeliveries`, then republished
 * to `deadLetterSubject` (if set) and terminated. Readiness (`consumer:<name>`) is down while the
 * connection is disconnected or closed or the pull loop has ended.
 *
 * @example
 * ```ts
 * import { connect } from '@nats-io/transport-node';
 * import { consumeJetStream } from '@podkit/consumers/nats';
 *
 * const connection = await connect({ servers: process.env.NATS_URL ?? 'localhost:4222' });
 * await consumeJetStream(service, {
 *   name: 'orders', connection, stream: 'ORDERS', consumer: 'fulfilment', maxInFlight: 10,
 *   deadLetterSubject: 'dead.orders',
 *   handler: async (msg) => fulfil(msg.json()),
 * });
 * await service.start();
 * ```
 */
export async function consumeJetStream(service: ConsumerService, options: JetStreamConsumerOptions): Promise<Consumer> {
  const name = requireName('name', options.name);
  const stream = requireName('stream', options.stream);
  const durable = requireName('consumer', options.consumer);
  const handler = requireFunction('handler', options.handler);
  const maxInFlight = intOption('maxInFlight', options.maxInFlight, 10, 1, 100_000);
  const maxDeliveries = intOption('maxDeliveries', options.maxDeliveries, 5, 1, 1_000_000);
  const retryDelayMs = intOption('retryDelayMs', options.retryDelayMs, 0, 0, 86_400_000);
  const expires = intOption('pullExpiresMs', options.pullExpiresMs, 2000, 1000, 300_000);
  if (options.deadLetterSubject !== undefined) requireName('deadLetterSubject', options.deadLetterSubject);
  const nc = options.connection;
  if (typeof nc?.isClosed !== 'function') requireFunction('connection.isClosed', undefined);
  const js = jetstream(nc);
  let consumer: Awaited<ReturnType<typeof js.consumers.get>>;
  let ackWaitMs: number;
  try {
    consumer = await js.consumers.get(stream, durable);
    ackWaitMs = Math.floor(((await consumer.info(true)).config.ack_wait ?? 0) / 1_000_000);
  } catch (err) {
    throw new ConsumerStartError(name, `get consumer "${durable}" of stream "${stream}"`, err);
  }
  let down: string | undefined;
  let disconnected = false;
  let stopPulling = false;
  let endPulls!: () => void;
  const pullsEnded = new Promise<void>((resolve) => (endPulls = resolve));
  // working() at half the consumer's ack_wait (at least every 500 ms).
  const progressMs = ackWaitMs > 0 ? Math.max(500, Math.floor(ackWaitMs / 2)) : 0;
  const context: DeliveryContext = { js, deadLetterSubject: options.deadLetterSubject, retryDelayMs, pullsEnded, progressMs };
  let wakePause: (() => void) | undefined;
  const runner: Runner<JsMsg> = createRunner({
    name,
    service,
    handler,
    maxDeliveries,
    stopIntake: () => {
      stopPulling = true;
      wakePause?.();
      return pullsEnded;
    },
  });
  /** Waits `ms` (background timer) or until intake stops. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wakePause = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const pull = (async (): Promise<void> => {
    let failures = 0;
    while (!stopPulling) {
      await runner.waitForSlot(maxInFlight);
      if (stopPulling) break;
      try {
        const batch = await consumer.fetch({ max_messages: maxInFlight - runner.inFlight, expires });
        for await (const message of batch) runner.accept(delivery(context, message), message);
        failures = 0;
        if (down === 'pull failed') down = undefined;
      } catch (err) {
        if (stopPulling || nc.isClosed()) break;
        failures += 1;
        down = 'pull failed';
        runner.log.error({ err, stream, consumer: durable, failures }, 'JetStream pull failed (consumer or stream deleted?); retrying');
        await pause(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
      }
    }
  })().finally(endPulls);
  void (async (): Promise<void> => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') disconnected = true;
      else if (status.type === 'reconnect') disconnected = false;
    }
  })().catch(() => undefined);
  const { drainTimeoutMs } = service.lifecycle.plan;
  if (expires > drainTimeoutMs / 2) {
    runner.log.warn(
      { pullExpiresMs: expires, drainTimeoutMs },
      'pullExpiresMs is more than half the drain budget: on shutdown the last pull may outlast it and leave messages for the ack_wait; lower pullExpiresMs or raise the grace period',
    );
  }
  runner.log.info({ stream, consumer: durable, maxInFlight, maxDeliveries, pullExpiresMs: expires }, 'consuming');

  return wire({
    name,
    service,
    runner,
    check: () => {
      if (nc.isClosed()) throw new Error('connection closed');
      if (disconnected) throw new Error('disconnected');
      if (down !== undefined) throw new Error(down);
    },
    close: async () => {
      down ??= 'closed';
      stopPulling = true;
      await pull;
      // drain() flushes the naks of released messages before closing.
      if (options.closeConnection !== false && !nc.isClosed()) await nc.drain();
    },
  });
}
