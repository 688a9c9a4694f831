import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { Logger } from '@podkit/core';
import type { Consumer, ConsumerService, HandlerContext } from '@podkit/consumers';
import type { CommentEvent } from '../comments/events.ts';
import { parseCommentEvent } from '../comments/events.ts';

/** Where comment events travel: RabbitMQ (`AMQP_URL` set) or an in-process queue (embedded default). */
export interface CommentEvents {
  readonly kind: 'amqp' | 'memory';
  /** Publishes one event; resolves once the broker confirmed it (persistent message). */
  publish(event: CommentEvent): Promise<void>;
  /** Starts the `comment-counter` consumer on `service` (drained on SIGTERM by its lifecycle). */
  consume(service: ConsumerService, handler: (event: CommentEvent, ctx: HandlerContext) => Promise<void>, options: { readonly prefetch: number }): Promise<Consumer>;
  /** Closes the publishing side (the consumer closes its own connection in its hook). */
  close(): Promise<void>;
}

/** The consumer's name: `consumer` metric label and readiness check `consumer:comment-events`. */
export const CONSUMER = 'comment-events';
/** Deliveries before a failing event is dead-lettered. */
const MAX_DELIVERIES = 5;

/**
 * Opens the comment-events transport. With `amqpUrl`, the topology (durable queue whose
 * dead-letter exchange routes to `<queue>.dead`) is declared by whichever side starts
 * first, and both sides use their own connection. Without it, an in-process
 * `@podkit/consumers/memory` queue: publisher and consumer must then be in the same process
 * (the comments service runs the worker in embedded mode).
 */
export async function openCommentEvents(o: { readonly amqpUrl?: string | undefined; readonly queue: string; readonly logger: Logger }): Promise<CommentEvents> {
  const QUEUE = o.queue;
  const DEAD = `${QUEUE}.dead`;
  if (o.amqpUrl === undefined) {
    const { consumeMemory, createMemoryQueue } = await import('@podkit/consumers/memory');
    const queue = createMemoryQueue<CommentEvent>(QUEUE);
    return {
      kind: 'memory',
      publish: (event) => {
        queue.publish(event, { id: event.id });
        return Promise.resolve();
      },
      consume: (service, handler, { prefetch }) =>
        consumeMemory(service, { name: CONSUMER, queue, maxInFlight: prefetch, maxDeliveries: MAX_DELIVERIES, handler: (msg, ctx) => handler(msg.body, ctx) }),
      close: () => Promise.resolve(),
    };
  }
  const url = o.amqpUrl;
  const { default: amqplib } = await import('amqplib');
  const { consumeAmqp } = await import('@podkit/consumers/amqp');
  const connect = async (): Promise<ChannelModel> => {
    const connection = await amqplib.connect(url);
    // listen at once: amqplib throws a socket error (a reset while the topology is declared) out
    // of the socket's handler when its connection has no 'error' listener
    const onError = (err: Error): void => o.logger.warn({ err: { message: err.message } }, 'AMQP connection error while declaring the topology');
    connection.on('error', onError);
    try {
      const setup = await connection.createChannel();
      await setup.assertExchange(DEAD, 'fanout', { durable: true });
      await setup.assertQueue(DEAD, { durable: true });
      await setup.bindQueue(DEAD, DEAD, '');
      await setup.assertQueue(QUEUE, { durable: true, arguments: { 'x-dead-letter-exchange': DEAD } });
      await setup.close();
    } catch (err) {
      await connection.close().catch(() => undefined); // the listener stays: the close may fail too
      throw err;
    }
    // the caller listens from here on (the consumer before its channel opens, the publisher below)
    connection.off('error', onError);
    return connection;
  };
  let publisher: ChannelModel | undefined;
  let channel: ConfirmChannel | undefined;
  return {
    kind: 'amqp',
    async publish(event) {
      if (channel === undefined) {
        publisher = await connect();
        publisher.on('error', (err: Error) => o.logger.warn({ err: { message: err.message } }, 'AMQP publisher connection error'));
        publisher.on('close', () => {
          channel = undefined;
          publisher = undefined;
        });
        const opened = await publisher.createConfirmChannel();
        // a closed channel (or a channel error) is replaced on the next publish; the outbox keeps the event meanwhile
        opened.on('error', (err: Error) => o.logger.warn({ err: { message: err.message } }, 'AMQP publisher channel error'));
        opened.on('close', () => {
          if (channel === opened) channel = undefined;
        });
        channel = opened;
      }
      const ch = channel;
      await new Promise<void>((resolve, reject) => {
        ch.sendToQueue(QUEUE, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id, contentType: 'application/json' }, (err: unknown) =>
          err ? reject(err instanceof Error ? err : new Error('publish nacked by the broker')) : resolve(),
        );
      });
    },
    async consume(service, handler, { prefetch }) {
      return consumeAmqp(service, {
        name: CONSUMER,
        // the consumer owns its connections: a lost one (broker restart) is reopened with a
        // backoff, the topology declared again, and readiness is down meanwhile
        connect,
        queue: QUEUE,
        prefetch,
        maxDeliveries: MAX_DELIVERIES,
        handler: (msg, ctx) => handler(parseCommentEvent(JSON.parse(msg.content.toString('utf8'))), ctx),
      });
    },
    async close() {
      const conn = publisher;
      channel = undefined;
      publisher = undefined;
      await conn?.close().catch(() => undefined);
    },
  };
}
