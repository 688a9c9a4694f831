import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Delivery } from '../internal/runner.ts';
import { RETRIES_HEADER, deliveryCount } from './delivery-count.ts';

/** Properties a retried copy keeps (not `userId`, which the broker checks against the connection). */
const COPIED_PROPERTIES = ['contentType', 'contentEncoding', 'deliveryMode', 'priority', 'correlationId', 'replyTo', 'expiration', 'messageId', 'timestamp', 'type', 'appId'] as const;

/** The message id for logs: `messageId` when the publisher set one, else queue and delivery tag. */
function idOf(queue: string, message: ConsumeMessage): string {
  const id: unknown = message.properties.messageId;
  return typeof id === 'string' && id !== '' ? id : `${queue}#${String(message.fields.deliveryTag)}`;
}

/** Settles a message on the channel it arrived on (delivery tags belong to one channel). */
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

/** What a session tells its owner. */
export interface SessionEvents {
  /** A message arrived. */
  readonly message: (delivery: Delivery, message: ConsumeMessage) => void;
  /** The session is gone (connection or channel closed, consumer cancelled): `reason` for readiness. */
  readonly lost: (reason: string, err?: Error) => void;
  /** A channel error, for the log. */
  readonly error: (err: Error) => void;
}

/** One connection's consumer: a confirm channel with `basic.qos` and `basic.consume`. */
export interface Session {
  /** Whether the channel is still open. */
  readonly open: boolean;
  /** Cancels the consumer (no more messages); a no-op once the channel is closed. */
  cancel(): Promise<void>;
  /** Closes the channel (and the connection when `withConnection`). */
  close(withConnection: boolean): Promise<void>;
}

/**
 * Opens a confirm channel on `connection`, sets the prefetch and starts consuming `queue`. Every
 * way the session can end (connection close, channel close, the broker cancelling the consumer)
 * is reported once through `events.lost`; settling a message of a lost session fails, and the
 * broker redelivers it.
 */
export async function openSession(connection: ChannelModel, queue: string, prefetch: number, events: SessionEvents): Promise<Session> {
  // Listen before the first await: a socket error while the channel opens (ECONNRESET) reaches
  // the connection's 'error' event, and with no listener amqplib throws it out of the socket's
  // error handler (an uncaught exception), never rejecting the channel's open.
  const onConnectionError = (err: Error): void => events.error(err);
  connection.on('error', onConnectionError);
  let channel: ConfirmChannel;
  try {
    channel = await connection.createConfirmChannel();
  } catch (err) {
    quiet(connection, onConnectionError);
    throw err;
  }
  let channelOpen = true;
  let connectionOpen = true;
  let closing = false;
  let lost = false;
  const lose = (reason: string, err?: Error): void => {
    if (lost || closing) return;
    lost = true;
    events.lost(reason, err);
  };
  const onConnectionClose = (err?: Error): void => {
    connectionOpen = false;
    channelOpen = false;
    lose('connection closed', err);
  };
  connection.on('close', onConnectionClose);
  channel.on('close', () => {
    channelOpen = false;
    // A dying connection closes its channels first: wait a turn to name the real cause.
    setImmediate(() => lose(connectionOpen ? 'channel closed' : 'connection closed'));
  });
  channel.on('error', (err: Error) => events.error(err));
  let consumerTag: string;
  try {
    await channel.prefetch(prefetch);
    const reply = await channel.consume(
      queue,
      (message) => {
        if (message === null) lose('consumer cancelled by the broker (queue deleted?)');
        else events.message(delivery(channel, queue, message), message);
      },
      { noAck: false },
    );
    consumerTag = reply.consumerTag;
  } catch (err) {
    closing = true;
    connection.off('close', onConnectionClose);
    quiet(connection, onConnectionError);
    if (channelOpen) await channel.close().catch(() => undefined);
    throw err;
  }
  return {
    get open() {
      return channelOpen;
    },
    async cancel(): Promise<void> {
      if (channelOpen) await channel.cancel(consumerTag);
    },
    async close(withConnection: boolean): Promise<void> {
      closing = true;
      if (channelOpen) await channel.close().catch(() => undefined);
      if (withConnection && connectionOpen) await connection.close().catch(() => undefined);
      connection.off('close', onConnectionClose);
      quiet(connection, onConnectionError);
    },
  };
}

function ignore(): void {}

/**
 * Swaps the session's error listener for a no-op one that stays: a late socket error on a
 * connection the session let go of (closed, or being closed after a failed open) must not crash.
 */
function quiet(connection: ChannelModel, listener: (err: Error) => void): void {
  connection.off('error', listener);
  if (!connection.listeners('error').includes(ignore)) connection.on('error', ignore);
}

/** Closes a connection no session uses, with an error listener on it while it closes. */
export async function closeQuietly(connection: ChannelModel): Promise<void> {
  if (!connection.listeners('error').includes(ignore)) connection.on('error', ignore);
  await connection.close().catch(() => undefined);
}
