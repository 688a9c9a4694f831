import type { ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerOptionsError } from '../src/index.ts';
import { consumeAmqp } from '../src/amqp/index.ts';
import { AMQP_URL, amqpConnect, amqpConnectVia, amqpQueue, removeLeftovers, testService, until } from './helpers/brokers.ts';
import { startTcpRelay } from './helpers/tcp-relay.ts';
import type { TcpRelay } from './helpers/tcp-relay.ts';

let publisher: ChannelModel;
let relay: TcpRelay;
beforeAll(async () => {
  publisher = await amqpConnect();
  relay = await startTcpRelay(Number(new URL(AMQP_URL).port || 5672), new URL(AMQP_URL).hostname);
});
afterEach(async () => {
  relay.refuse(false);
  await removeLeftovers();
});
afterAll(async () => {
  await relay.close();
  await publisher.close();
});

/** amqplib.connect through the relay (so the test can cut it). */
const viaRelay = (): Promise<ChannelModel> => amqpConnectVia(relay.port);

async function publish(queue: string, from: number, count: number): Promise<void> {
  const ch = await publisher.createConfirmChannel();
  for (let i = from; i < from + count; i++) ch.sendToQueue(queue, Buffer.from(String(i)), { messageId: `m${String(i)}`, persistent: true });
  await ch.waitForConfirms();
  await ch.close();
}

async function readinessError(service: ReturnType<typeof testService>['service'], name: string): Promise<string | undefined> {
  await service.health.run();
  const check = service.health.report('readiness').checks[`consumer:${name}`];
  return check?.status === 'up' ? undefined : (check?.error ?? 'missing');
}

describe('consumeAmqp with connect (reconnecting, real RabbitMQ behind a relay)', () => {
  it('reconnects after every connection is cut mid-stream and handles every message, duplicates at most the prefetch', async () => {
    const { service, logs } = testService();
    service.health.markStarted();
    const q = await amqpQueue(publisher);
    const handled = new Map<string, number>();
    const prefetch = 4;
    const consumer = await consumeAmqp(service, {
      name: 'resilient',
      queue: q.queue,
      prefetch,
      connect: viaRelay,
      reconnect: { initialDelayMs: 20, maxDelayMs: 200 },
      handler: async (msg) => {
        const id = msg.content.toString();
        handled.set(id, (handled.get(id) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    expect(await readinessError(service, 'resilient')).toBeUndefined();
    await publish(q.queue, 0, 50);
    await until(() => handled.size >= 10, '10 messages handled');
    // The broker restarts (or the network drops): every connection is reset, new ones refused.
    relay.refuse(true);
    relay.cut();
    await until(async () => (await readinessError(service, 'resilient'))?.includes('reconnecting') === true, 'readiness down, reconnecting');
    await publish(q.queue, 50, 50);
    await until(() => logs.lines.some((l) => l.msg === 'RabbitMQ reconnection failed; retrying'), 'a failed attempt');
    relay.refuse(false);
    await until(() => handled.size === 100, 'all 100 messages handled', 20_000);
    expect(await readinessError(service, 'resilient')).toBeUndefined();
    const twice = [...handled.values()].filter((n) => n > 1).length;
    expect(twice).toBeLessThanOrEqual(prefetch);
    const lines = logs.lines;
    expect(lines.some((l) => l.level === 'warn' && String(l.msg).startsWith('RabbitMQ consumer lost (connection closed); reconnecting'))).toBe(true);
    expect(lines.some((l) => l.msg === 'reconnected; consuming again')).toBe(true);
    await consumer.close();
    const ch = await publisher.createChannel();
    expect(await ch.checkQueue(q.queue)).toMatchObject({ messageCount: 0, consumerCount: 0 });
    await ch.close();
    await q.remove();
    await service.close();
  });

  it('stops reconnecting on shutdown: the drain resolves while the broker is away and no attempt follows', async () => {
    const { service, logs } = testService();
    const q = await amqpQueue(publisher);
    const consumer = await consumeAmqp(service, {
      name: 'leaving',
      queue: q.queue,
      connect: viaRelay,
      reconnect: { initialDelayMs: 10, maxDelayMs: 20 },
      handler: () => undefined,
    });
    relay.refuse(true);
    relay.cut();
    await until(() => logs.lines.some((l) => l.msg === 'RabbitMQ reconnection failed; retrying'), 'a failed attempt');
    await consumer.close();
    const attempts = relay.accepted;
    const failures = logs.lines.filter((l) => l.msg === 'RabbitMQ reconnection failed; retrying').length;
    // Long enough for several more attempts at 10–20 ms if the loop were still running.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(relay.accepted).toBe(attempts);
    expect(logs.lines.filter((l) => l.msg === 'RabbitMQ reconnection failed; retrying').length).toBe(failures);
    await q.remove();
    await service.close();
  });

  it('without connect, a lost connection keeps readiness down and says the consumer does not reconnect', async () => {
    const { service, logs } = testService();
    service.health.markStarted();
    const q = await amqpQueue(publisher);
    const connection = await viaRelay();
    const consumer = await consumeAmqp(service, { name: 'fixed', connection, queue: q.queue, handler: () => undefined });
    relay.cut();
    await until(async () => (await readinessError(service, 'fixed')) !== undefined, 'readiness down');
    expect(await readinessError(service, 'fixed')).toBe('connection closed');
    expect(logs.lines.some((l) => l.level === 'error' && String(l.msg).includes('does not reconnect (pass `connect` to reconnect)'))).toBe(true);
    await consumer.close();
    await q.remove();
    await service.close();
  });

  it('rejects connection and connect together, neither, or reconnect without connect', async () => {
    const { service } = testService();
    const connection = await amqpConnect();
    const base = { name: 'x', queue: 'q', handler: () => undefined };
    await expect(consumeAmqp(service, { ...base, connection, connect: amqpConnect })).rejects.toBeInstanceOf(ConsumerOptionsError);
    await expect(consumeAmqp(service, base)).rejects.toMatchObject({ code: 'ERR_PODKIT_CONSUMER_OPTIONS', option: 'connection' });
    await expect(consumeAmqp(service, { ...base, connection, reconnect: { initialDelayMs: 10 } })).rejects.toMatchObject({ option: 'reconnect' });
    await expect(consumeAmqp(service, { ...base, connect: amqpConnect, reconnect: { initialDelayMs: 0 } })).rejects.toMatchObject({ option: 'reconnect.initialDelayMs' });
    await connection.close();
    await service.close();
  });
});
