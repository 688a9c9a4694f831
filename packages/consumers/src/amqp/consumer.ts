import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { ConsumerStartError } from '../errors.ts';
import { intOption, requireFunction, requireName } from '../internal/options.ts';
import { createRunner } from '../internal/runner.ts';
import type { Delivery, Runner } from '../internal/runner.ts';
import { wire } from '../internal/wire.ts';
import type { Consumer, ConsumerOptions, ConsumerService } from '../types.ts';
import { RETRIES_HEADER, deliveryCount } from './delivery-count.ts';

/** Options of {@link consumeAmqp}. */
export interface AmqpConsumerOptions extends ConsumerOptions<ConsumeMessage> {
  /** An open amqplib connection (`await amqplib.connect(url)`). The consumer opens its own channel on it. */
  readonly connection: ChannelModel;
  /** The queue to consume. It must exist (declare it, with its dead-letter exchange, at deploy time or before). */
  readonly queue: string;
  /**
   * Messages the broker sends before any is acked: the in-flight bound (`basic.qos`, per consumer).
   * @default 10
   */
  readonly prefetch?: number;
}

/** Properties a retried copy keeps (not `userId`, which the broker checks against the connection). */
const COPIED_PROPERTIES = ['contentType', 'contentEncoding', 'deliveryMode', 'priority', 'correlationId', 'replyTo', 'expiration', 'messageId', 'timestamp', 'type', 'appId'] as const;

/** The message id for logs: `messageId` when the publisher set one, else queue and delivery tag. */
function idOf(queue: string, message: ConsumeMessage): string {
  const id: unknown = message.properties.messageId;
  return typeof id === 'string' && id !== '' ? id : `${queue}#${String(message.fields.deliveryTag)}`;
}

/** Settles a message on the consumer's confirm channel. */
function delivery(channel: ConfirmChannel, queue: string, message: ConsumeMessage): Delivery {
  const deliveries = deliveryCount(message);
  return {
    messageId: idOf(queue, message),
    deliveries,
    ack: () => channel.ack(message),
    async retry(): Promise<void> {
      // Classic queues keep no delivery count: republish a copy carrying ours (confirmed by the
      // broker), then ack the original. A crash in between means one extra delivery, never a loss.
      const properties = message.properties as unknown as Record<string, unknown>;
      const options: Record<string, unknown> = {
        headers: { ...(properties.headers as Record<string, unknown> | undefined), [RETRIES_HEADER]: deliveries },
      };
      for (const key of COPIED_PROPERTIES) if (properties[key] !== undefined) options[key] = properties[key];
      await new Promise<void>((resolve, reject) => {
        channel.sendToQueue(queue, message.content, options, (err: unknown) => (err ? reject(err instanceof Error ? err : new Error('publish nacked by the broker')) : resolve()));
      });
      channel.ack(message);
    },
    // Rejected without requeue: the broker routes it to the queue's dead-letter exchange, if any.
    deadLetter: () => channel.nack(message, false, false),
    release: () => channel.nack(message, false, true),
  };
}

/**
 * Consumes a RabbitMQ queue with at most `prefetch` messages in flight, acking each message only
 * after its handler finished. On SIGTERM it cancels the consumer at once, lets in-flight
 * handlers finish within the drain budget, returns what did not finish (`nack` with requeue) and
 * closes the channel and connection as a shutdown hook. A failing handler is logged with the
 * message id and the message is redelivered up to `maxDeliveries`, then rejected without requeue
 * (so the queue's dead-letter exchange gets it). Readiness (`consumer:<name>`) is down while the
 * connection or channel is closed or the broker cancelled the consumer.
 *
 * @example
 * ```ts
 * import amqplib from 'amqplib';
 * import { createService, runMain } from '@podkit/core';
 * import { consumeAmqp } from '@podkit/consumers/amqp';
 *
 * await runMain(async () => {
 *   const service = createService({ name: 'thumbnailer', version: '1.0.0' });
 *   const connection = await amqplib.connect(process.env.AMQP_URL ?? 'amqp://localhost');
 *   await consumeAmqp(service, {
 *     name: 'thumbnails', connection, queue: 'thumbnails', prefetch: 10,
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
  const connection = options.connection;
  if (typeof connection?.createConfirmChannel !== 'function') requireFunction('connection.createConfirmChannel', undefined);
  const channel = await connection.createConfirmChannel();
  let down: string | undefined;
  let channelOpen = true;
  let connectionOpen = true;
  let consumerTag: string | undefined = undefined;
  const runner: Runner<ConsumeMessage> = createRunner({
    name,
    service,
    handler,
    maxDeliveries,
    stopIntake: async () => {
      if (consumerTag !== undefined && channelOpen) await channel.cancel(consumerTag);
    },
  });
  const onConnectionClose = (): void => {
    connectionOpen = false;
    down ??= 'connection closed';
  };
  connection.on('close', onConnectionClose);
  channel.on('close', () => {
    channelOpen = false;
    down ??= 'channel closed';
  });
  channel.on('error', (err: Error) => runner.log.error({ err }, 'channel error'));
  let reply: { consumerTag: string };
  try {
    await channel.prefetch(prefetch);
    reply = await channel.consume(
      queue,
      (message) => {
        if (message === null) {
          down = 'consumer cancelled by the broker';
          runner.log.error({ queue }, 'the broker cancelled the consumer (queue deleted?)');
          return;
        }
        runner.accept(delivery(channel, queue, message), message);
      },
      { noAck: false },
    );
  } catch (err) {
    connection.off('close', onConnectionClose);
    if (channelOpen) await channel.close().catch(() => undefined);
    throw new ConsumerStartError(name, `consume queue "${queue}"`, err);
  }
  consumerTag = reply.consumerTag;
  runner.log.info({ queue, prefetch, maxDeliveries }, 'consuming');
  return wire({
    name,
    service,
    runner,
    check: () => {
      if (down !== undefined) throw new Error(down);
    },
    close: async () => {
      down ??= 'closed';
      if (channelOpen) await channel.close();
      if (options.closeConnection !== false && connectionOpen) await connection.close();
    },
  });
}
