import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { ConsumerOptionsError, ConsumerStartError } from '../errors.ts';
import { intOption, requireFunction, requireName } from '../internal/options.ts';
import { createRunner } from '../internal/runner.ts';
import type { Runner } from '../internal/runner.ts';
import { wire } from '../internal/wire.ts';
import type { Consumer, ConsumerOptions, ConsumerService } from '../types.ts';
import { createReconnector } from './reconnect.ts';
import type { ReconnectOptions } from './reconnect.ts';
import { closeQuietly, openSession } from './session.ts';
import type { Session, SessionEvents } from './session.ts';

/** Options of {@link consumeAmqp}. */
export interface AmqpConsumerOptions extends ConsumerOptions<ConsumeMessage> {
  /**
   * An open amqplib connection (`await amqplib.connect(url)`); the consumer opens its own channel
   * on it. A consumer given a connection cannot reconnect: when it dies, readiness stays down.
   * Give `connect` instead to have the consumer reconnect. Exactly one of the two.
   */
  readonly connection?: ChannelModel;
  /**
   * Opens a connection (`() => amqplib.connect(url)`): the consumer owns the connections it opens
   * and, when one is lost, reconnects with a backoff (see `reconnect`), readiness down meanwhile.
   * The first connection must succeed, or {@link consumeAmqp} rejects. Exactly one of
   * `connection` and `connect`. A `connect` that awaits anything after `amqplib.connect` (declaring
   * queues) must put an `'error'` listener on the connection first: amqplib throws a socket error
   * its connection has no listener for.
   */
  readonly connect?: () => Promise<ChannelModel>;
  /** Backoff between reconnection attempts (with `connect` only). */
  readonly reconnect?: ReconnectOptions;
  /** The queue to consume. It must exist (declare it, with its dead-letter exchange, at deploy time or before). */
  readonly queue: string;
  /**
   * Messages the broker sends before any is acked: the in-flight bound (`basic.qos`, per consumer).
   * @default 10
   */
  readonly prefetch?: number;
}

/**
 * Consumes a RabbitMQ queue with at most `prefetch` messages in flight, acking each message only
 * after its handler finished. On SIGTERM it cancels the consumer at once, lets in-flight
 * handlers finish within the drain budget, returns what did not finish (`nack` with requeue) and
 * closes the channel and connection as a shutdown hook. A failing handler is logged with the
 * message id and the message is redelivered up to `maxDeliveries`, then rejected without requeue
 * (so the queue's dead-letter exchange gets it). Readiness (`consumer:<name>`) is down while the
 * connection or channel is closed or the broker cancelled the consumer. With `connect`, a lost
 * connection (broker restart, network cut) is reopened with a backoff and consuming resumes.
 *
 * @example
 * ```ts
 * import amqplib from 'amqplib';
 * import { createService, runMain } from '@podkit/core';
 * import { consumeAmqp } from '@podkit/consumers/amqp';
 *
 * await runMain(async () => {
 *   const service = createService({ name: 'thumbnailer', version: '1.0.0' });
 *   await consumeAmqp(service, {
 *     name: 'thumbnails', queue: 'thumbnails', prefetch: 10,
 *     connect: () => amqplib.connect(process.env.AMQP_URL ?? 'amqp://localhost'),
 *     handler: async (msg, { signal }) => render(JSON.parse(msg.content.toString()), signal),
 *   });
 *   await service.start();
 * });
 * ```
 */
export async function consumeAmqp(service: ConsumerService, options: AmqpConsumerOptions): Promise<Consumer> {
  const name = requireName('name', options.name);
  const queue = requireName('queue', options.queue);
  const handler = requireFunction('handler', options.handler);
  const prefetch = intOption('prefetch', options.prefetch, 10, 1, 65_535);
  const maxDeliveries = intOption('maxDeliveries', options.maxDeliveries, 5, 1, 1_000_000);
  const { connection, connect } = options;
  if ((connection === undefined) === (connect === undefined)) {
    throw new ConsumerOptionsError('connection', 'give exactly one of `connection` (an open amqplib connection) and `connect` (a function that opens one, to reconnect)');
  }
  if (connect !== undefined) requireFunction('connect', connect);
  else if (typeof connection?.createConfirmChannel !== 'function') requireFunction('connection.createConfirmChannel', undefined);
  if (options.reconnect !== undefined && connect === undefined) {
    throw new ConsumerOptionsError('reconnect', 'needs `connect`: a consumer given an open `connection` cannot open another one');
  }
  const owned = connect !== undefined;
  const closeConnection = owned || options.closeConnection !== false;

  let session: Session | undefined;
  let down: string | undefined;
  let closed = false;
  const runner: Runner<ConsumeMessage> = createRunner({
    name,
    service,
    handler,
    maxDeliveries,
    stopIntake: async () => {
      reconnector?.stop();
      if (session?.open === true) await session.cancel();
    },
  });
  const events: SessionEvents = {
    message: (delivery, message) => runner.accept(delivery, message),
    error: (err) => runner.log.error({ err }, 'RabbitMQ connection or channel error'),
    lost: (reason, err) => {
      const lostSession = session;
      session = undefined;
      // An owned connection whose channel died is still open: close it before opening another.
      if (owned) void lostSession?.close(true);
      if (closed || runner.stopped) {
        down ??= reason;
        return;
      }
      if (reconnector === undefined) {
        down ??= reason;
        runner.log.error({ err, queue }, `RabbitMQ consumer lost (${reason}); it does not reconnect (pass \`connect\` to reconnect)`);
        return;
      }
      down = `${reason}; reconnecting`;
      runner.log.warn({ err, queue }, `RabbitMQ consumer lost (${reason}); reconnecting`);
      reconnector.start();
    },
  };

  async function open(conn: ChannelModel): Promise<Session> {
    try {
      return await openSession(conn, queue, prefetch, events);
    } catch (err) {
      if (owned) await closeQuietly(conn);
      throw err;
    }
  }

  const reconnector = owned
    ? createReconnector(options.reconnect, {
        attempt: async () => {
          const conn = await connect();
          if (closed || runner.stopped) {
            await closeQuietly(conn);
            return;
          }
          session = await open(conn);
          down = undefined;
          runner.log.info({ queue, prefetch }, 'reconnected; consuming again');
        },
        failed: (err, attempt, delayMs) => runner.log.warn({ err, queue, attempt, delayMs }, 'RabbitMQ reconnection failed; retrying'),
      })
    : undefined;

  try {
    session = await open(connection ?? (await connect!()));
  } catch (err) {
    throw new ConsumerStartError(name, `consume queue "${queue}"`, err);
  }
  runner.log.info({ queue, prefetch, maxDeliveries }, 'consuming');
  return wire({
    name,
    service,
    runner,
    check: () => {
      if (down !== undefined) throw new Error(down);
    },
    close: async () => {
      closed = true;
      down ??= 'closed';
      reconnector?.stop();
      await session?.close(closeConnection);
    },
  });
}
