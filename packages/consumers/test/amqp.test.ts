import type { ChannelModel, ConsumeMessage } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerOptionsError, ConsumerStartError } from '../src/index.ts';
import { RETRIES_HEADER, consumeAmqp } from '../src/amqp/index.ts';
import { amqpConnect, amqpQueue, removeLeftovers, testService, until } from './helpers/brokers.ts';

let publisher: ChannelModel;
beforeAll(async () => {
  publisher = await amqpConnect();
});
afterEach(removeLeftovers);
afterAll(async () => {
  await publisher.close();
});

async function publish(queue: string, count: number, from = 0): Promise<void> {
  const ch = await publisher.createConfirmChannel();
  for (let i = from; i < from + count; i++) ch.sendToQueue(queue, Buffer.from(String(i)), { messageId: `m${String(i)}`, persistent: true });
  await ch.waitForConfirms();
  await ch.close();
}

async function depth(queue: string): Promise<number> {
  const ch = await publisher.createChannel();
  const { messageCount } = await ch.checkQueue(queue);
  await ch.close();
  return messageCount;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('consumeAmqp (real RabbitMQ)', () => {
  it('keeps at most `prefetch` handlers in flight and acks only after the handler finished', async () => {
    const { service } = testService();
    const q = await amqpQueue(publisher);
    const connection = await amqpConnect();
    const gates: { id: string; gate: ReturnType<typeof deferred> }[] = [];
    let running = 0;
    let maxRunning = 0;
    const consumer = await consumeAmqp(service, {
      name: 'bounded',
      connection,
      queue: q.queue,
      prefetch: 3,
      handler: async (msg: ConsumeMessage, { messageId }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const gate = deferred();
        gates.push({ id: messageId, gate });
        await gate.promise;
        running--;
      },
    });
    await publish(q.queue, 10);
    await until(() => gates.length === 3, '3 handlers running');
    // Nothing acked while the handlers run: all 10 are still in the queue (3 unacked + 7 ready).
    expect(consumer.inFlight).toBe(3);
    expect(await depth(q.queue)).toBe(7);
    for (let done = 0; done < 10; done++) {
      await until(() => gates.length > done, `handler ${String(done + 1)}`);
      gates[done]!.gate.resolve();
    }
    await until(async () => consumer.inFlight === 0 && (await depth(q.queue)) === 0, 'all handled');
    expect(maxRunning).toBe(3);
    expect(gates.map((g) => g.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${String(i)}`).sort());
    const metrics = await service.metrics.registry.getSingleMetricAsString('podkit_consumer_messages_total');
    expect(metrics).toMatch(/consumer="bounded",outcome="success".* 10/);
    await consumer.close();
    await q.remove();
    await service.close();
  });

  it('retries a failing message with a delivery count, then dead-letters it, logging the message id', async () => {
    const { service, logs } = testService();
    const q = await amqpQueue(publisher);
    const connection = await amqpConnect();
    const seen: number[] = [];
    const consumer = await consumeAmqp(service, {
      name: 'failing',
      connection,
      queue: q.queue,
      maxDeliveries: 3,
      handler: (_msg, { deliveries }) => {
        seen.push(deliveries);
        throw new Error('cannot handle this');
      },
    });
    await publish(q.queue, 1);
    await until(async () => (await depth(q.dead)) === 1, 'dead-lettered');
    expect(seen).toEqual([1, 2, 3]);
    const failures = logs.lines.filter((l) => l.msg.startsWith('message handler failed'));
    expect(failures.map((l) => [l.messageId, l.deliveries, l.level])).toEqual([
      ['m0', 1, 'error'],
      ['m0', 2, 'error'],
      ['m0', 3, 'error'],
    ]);
    expect(failures.at(-1)!.msg).toMatch(/dead-lettering/);
    expect(await depth(q.queue)).toBe(0);
    const ch = await publisher.createChannel();
    const dead = await ch.get(q.dead, { noAck: true });
    await ch.close();
    expect(dead && dead.content.toString()).toBe('0');
    expect(dead && (dead.properties.headers as Record<string, unknown>)[RETRIES_HEADER]).toBe(2);
    const metrics = await service.metrics.registry.getSingleMetricAsString('podkit_consumer_messages_total');
    expect(metrics).toMatch(/outcome="retry".* 2/);
    expect(metrics).toMatch(/outcome="dead_letter".* 1/);
    await consumer.close();
    await q.remove();
    await service.close();
  });

  it('counts deliveries with x-delivery-count on a quorum queue', async () => {
    const { service } = testService();
    const q = await amqpQueue(publisher, 'quorum');
    const connection = await amqpConnect();
    const seen: number[] = [];
    const consumer = await consumeAmqp(service, {
      name: 'quorum',
      connection,
      queue: q.queue,
      maxDeliveries: 2,
      handler: (_msg, { deliveries }) => {
        seen.push(deliveries);
        throw new Error('no');
      },
    });
    await publish(q.queue, 1);
    await until(async () => (await depth(q.dead)) === 1, 'dead-lettered');
    expect(seen).toEqual([1, 2]);
    await consumer.close();
    await q.remove();
    await service.close();
  });

  it('on shutdown cancels the consumer at once, finishes in-flight handlers, then closes the connection', async () => {
    const { service, logs } = testService();
    const q = await amqpQueue(publisher);
    const connection = await amqpConnect();
    const gate = deferred();
    const started: string[] = [];
    await consumeAmqp(service, {
      name: 'draining',
      connection,
      queue: q.queue,
      prefetch: 2,
      handler: async (_msg, { messageId }) => {
        started.push(messageId);
        await gate.promise;
      },
    });
    await service.start();
    await publish(q.queue, 5);
    await until(() => started.length === 2, '2 in flight');
    const closed = new Promise<void>((resolve) => connection.once('close', () => resolve()));
    const shutdown = service.shutdown('test');
    await logs.waitFor((l) => l.msg === 'consumer stopped taking messages');
    expect(service.health.report('readiness').status).toBe('down');
    gate.resolve();
    await shutdown;
    await closed;
    // The two in flight were acked; the three never delivered are still in the queue.
    expect(await depth(q.queue)).toBe(3);
    expect(started).toHaveLength(2);
    const drained = logs.lines.find((l) => l.msg === 'drainer finished' && l.drainer === 'consumer draining');
    expect(drained?.result).toEqual({ completed: true, cut: 0, released: 0 });
    await q.remove();
    await service.close();
  });

  it('returns a handler still running at the drain deadline to the queue (cut) and aborts its signal', async () => {
    const { service } = testService();
    const q = await amqpQueue(publisher);
    const connection = await amqpConnect();
    let aborted = false;
    const consumer = await consumeAmqp(service, {
      name: 'stuck',
      connection,
      queue: q.queue,
      handler: (_msg, { signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    await publish(q.queue, 1);
    await until(() => consumer.inFlight === 1, 'in flight');
    const controller = new AbortController();
    const result = consumer.drain(controller.signal);
    controller.abort();
    expect(await result).toEqual({ completed: false, cut: 1, released: 0 });
    expect(aborted).toBe(true);
    await consumer.close();
    expect(await depth(q.queue)).toBe(1);
    await q.remove();
    await service.close();
  });

  it('reports readiness down once the broker connection is gone', async () => {
    const { service } = testService();
    const q = await amqpQueue(publisher);
    const connection = await amqpConnect();
    const consumer = await consumeAmqp(service, { name: 'ready', connection, queue: q.queue, handler: () => undefined });
    service.health.markStarted();
    await service.health.run();
    expect(service.health.report('readiness').checks['consumer:ready']?.status).toBe('up');
    await connection.close();
    await service.health.run();
    const report = service.health.report('readiness');
    expect(report.status).toBe('down');
    expect(report.checks['consumer:ready']?.error).toMatch(/closed/);
    await consumer.close();
    await q.remove();
    await service.close();
  });

  it('fails to start with ConsumerStartError naming the queue when it does not exist', async () => {
    const { service } = testService();
    const connection = await amqpConnect();
    const error = await consumeAmqp(service, { name: 'lost', connection, queue: 'podkit_no_such_queue', handler: () => undefined }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConsumerStartError);
    expect(error).toMatchObject({ code: 'ERR_PODKIT_CONSUMER_START', consumer: 'lost' });
    expect((error as Error).message).toMatch(/^consumer "lost": cannot consume queue "podkit_no_such_queue": .*404 \(NOT-FOUND\)/);
    await connection.close();
    await service.close();
  });

  it('leaves a shared connection open with closeConnection: false', async () => {
    const { service } = testService();
    const q = await amqpQueue(publisher);
    const connection = await amqpConnect();
    const consumer = await consumeAmqp(service, { name: 'shared', connection, queue: q.queue, closeConnection: false, handler: () => undefined });
    await consumer.close();
    const ch = await connection.createChannel();
    expect((await ch.checkQueue(q.queue)).consumerCount).toBe(0);
    await ch.close();
    await connection.close();
    await q.remove();
    await service.close();
  });

  it('rejects bad options with the option named, before consuming', async () => {
    const { service } = testService();
    const connection = await amqpConnect();
    await expect(consumeAmqp(service, { name: 'x', connection, queue: 'q', prefetch: 0, handler: () => undefined })).rejects.toThrow(
      new ConsumerOptionsError('prefetch', 'must be an integer from 1 to 65535 (got 0)'),
    );
    await expect(consumeAmqp(service, { name: '', connection, queue: 'q', handler: () => undefined })).rejects.toMatchObject({
      code: 'ERR_PODKIT_CONSUMER_OPTIONS',
      option: 'name',
    });
    await connection.close();
    await service.close();
  });
});
