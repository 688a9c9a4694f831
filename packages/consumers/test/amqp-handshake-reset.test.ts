/**
 * A connection reset while a connection or its channel is being opened (a broker restarting, a
 * proxy cutting in) never becomes an uncaught exception. amqplib handles a reset during its own
 * connection handshake (its socket keeps an 'error' listener until the connection is open); the
 * gap was podkit's: a reset while the consumer's channel opened reached the connection's 'error'
 * event before podkit listened to it, and amqplib threw it out of the socket's error handler
 * (`read ECONNRESET`, uncaught) and never settled the channel's open. The relay in front of the
 * real RabbitMQ resets the client at a chosen frame of the handshake, so each case is
 * deterministic.
 */
import type { ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerStartError } from '../src/index.ts';
import { consumeAmqp } from '../src/amqp/index.ts';
import { AMQP_URL, amqpConnect, amqpConnectVia, amqpQueue, removeLeftovers, testService, until } from './helpers/brokers.ts';
import { startHandshakeResetRelay, type HandshakePoint, type HandshakeResetRelay } from './helpers/handshake-reset.ts';

let publisher: ChannelModel;
let relay: HandshakeResetRelay;
const uncaught: unknown[] = [];
const onUncaught = (err: unknown): void => void uncaught.push(err);

beforeAll(async () => {
  publisher = await amqpConnect();
  relay = await startHandshakeResetRelay(Number(new URL(AMQP_URL).port || 5672), new URL(AMQP_URL).hostname);
  process.on('uncaughtException', onUncaught);
});
afterEach(async () => {
  await removeLeftovers();
  expect(uncaught).toEqual([]);
});
afterAll(async () => {
  process.off('uncaughtException', onUncaught);
  await relay.close();
  await publisher.close();
});

/** amqplib.connect through the relay (so the test can cut it). */
const viaRelay = (): Promise<ChannelModel> => amqpConnectVia(relay.port);

let resets = 0;
/** Arms `times` resets at `point` and returns the total the relay will have fired once they did. */
function arm(point: HandshakePoint, times: number): number {
  relay.arm(point, times);
  resets += times;
  return resets;
}

describe('a connection reset during the AMQP handshake', () => {
  it('amqplib.connect rejects with ECONNRESET at every point of its own handshake', async () => {
    for (const point of ['protocol-header', 'start-ok'] as const) {
      const fired = arm(point, 1);
      await expect(viaRelay(), point).rejects.toMatchObject({ code: 'ECONNRESET' });
      await relay.resets(fired);
    }
  });

  it('consumeAmqp rejects with a ConsumerStartError when the first channel open is reset', async () => {
    const { service, logs } = testService();
    const q = await amqpQueue(publisher);
    const fired = arm('channel-open', 1);
    const started = consumeAmqp(service, { name: 'first', queue: q.queue, connect: viaRelay, handler: () => undefined });
    await expect(started).rejects.toBeInstanceOf(ConsumerStartError);
    await relay.resets(fired);
    // the socket's error is logged, not thrown
    expect(logs.lines.some((l) => l.msg === 'RabbitMQ connection or channel error' && JSON.stringify(l).includes('ECONNRESET'))).toBe(true);
    await q.remove();
    await service.close();
  });

  it('a reconnecting consumer survives two resets of its channel open in a row and consumes again', async () => {
    const { service, logs } = testService();
    const q = await amqpQueue(publisher);
    let resolveHandled: (body: string) => void = () => undefined;
    const handled = new Promise<string>((resolve) => (resolveHandled = resolve));
    const consumer = await consumeAmqp(service, {
      name: 'again',
      queue: q.queue,
      connect: viaRelay,
      reconnect: { initialDelayMs: 1, maxDelayMs: 2 },
      handler: (msg) => resolveHandled(msg.content.toString()),
    });
    const fired = arm('channel-open', 2);
    relay.cut(); // the running connection is reset; the next two attempts are reset as they open their channel
    await relay.resets(fired);
    const ch = await publisher.createConfirmChannel();
    ch.sendToQueue(q.queue, Buffer.from('after two resets'));
    await ch.waitForConfirms();
    await ch.close();
    expect(await handled).toBe('after two resets');
    expect(logs.lines.filter((l) => l.msg === 'RabbitMQ reconnection failed; retrying').length).toBeGreaterThanOrEqual(2);
    // the delivery can be handled before the reconnection's own log line is written
    await until(() => logs.lines.some((l) => l.msg === 'reconnected; consuming again'), 'the reconnected log line');
    await consumer.close();
    await q.remove();
    await service.close();
  });
});
