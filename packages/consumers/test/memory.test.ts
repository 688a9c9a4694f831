import { describe, expect, it } from 'vitest';
import { ConsumerOptionsError } from '../src/index.ts';
import { consumeMemory, createMemoryQueue } from '../src/memory/index.ts';
import type { MemoryMessage, MemoryQueue } from '../src/memory/index.ts';
import { testService, until } from './helpers/brokers.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

function publishMany(queue: MemoryQueue<number>, count: number): void {
  for (let i = 0; i < count; i++) queue.publish(i, { id: `m${String(i)}` });
}

describe('consumeMemory (in-process queue)', () => {
  it('keeps at most `maxInFlight` handlers in flight and acks only after the handler finished', async () => {
    const { service } = testService();
    const queue = createMemoryQueue<number>('bounded');
    const gates: ReturnType<typeof deferred>[] = [];
    const seen: string[] = [];
    const consumer = await consumeMemory(service, {
      name: 'bounded',
      queue,
      maxInFlight: 3,
      handler: async (msg: MemoryMessage<number>) => {
        seen.push(msg.id);
        const gate = deferred();
        gates.push(gate);
        await gate.promise;
      },
    });
    publishMany(queue, 10);
    await until(() => gates.length === 3, '3 handlers running');
    expect(consumer.inFlight).toBe(3);
    expect(queue.unacked).toBe(3);
    expect(queue.depth).toBe(7);
    for (let done = 0; done < 10; done++) {
      await until(() => gates.length > done, `handler ${String(done + 1)}`);
      expect(consumer.inFlight).toBeLessThanOrEqual(3);
      gates[done]!.resolve();
    }
    await until(() => queue.unacked === 0 && queue.depth === 0, 'all handled');
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `m${String(i)}`));
    const metrics = await service.metrics.registry.getSingleMetricAsString('podkit_consumer_messages_total');
    expect(metrics).toMatch(/consumer="bounded",outcome="success".* 10/);
    await consumer.close();
    await service.close();
  });

  it('retries a failing message with its delivery count, then dead-letters it, logging the message id', async () => {
    const { service, logs } = testService();
    const queue = createMemoryQueue<number>('failing');
    const deliveries: number[] = [];
    const consumer = await consumeMemory(service, {
      name: 'failing',
      queue,
      maxDeliveries: 3,
      handler: (_msg, ctx) => {
        deliveries.push(ctx.deliveries);
        throw new Error('boom');
      },
    });
    queue.publish(7, { id: 'poison' });
    await until(() => queue.deadLetters.length === 1, 'dead-lettered');
    expect(deliveries).toEqual([1, 2, 3]);
    expect(queue.deadLetters[0]).toMatchObject({ message: { id: 'poison', body: 7, deliveries: 3 }, reason: 'handler failed on delivery 3 of 3' });
    expect(queue.unacked).toBe(0);
    const failures = logs.lines.filter((l) => l.messageId === 'poison' && String(l.msg).startsWith('message handler failed'));
    expect(failures.map((l) => l.deliveries)).toEqual([1, 2, 3]);
    const metrics = await service.metrics.registry.getSingleMetricAsString('podkit_consumer_messages_total');
    expect(metrics).toMatch(/outcome="retry".* 2/);
    expect(metrics).toMatch(/outcome="dead_letter".* 1/);
    await consumer.close();
    await service.close();
  });

  it('on shutdown stops intake at once, finishes in-flight handlers, and leaves the rest for the next consumer', async () => {
    const { service, logs } = testService();
    const queue = createMemoryQueue<number>('draining');
    const gate = deferred();
    const first: string[] = [];
    await consumeMemory(service, {
      name: 'draining',
      queue,
      maxInFlight: 2,
      handler: async (msg) => {
        first.push(msg.id);
        await gate.promise;
      },
    });
    await service.start();
    publishMany(queue, 5);
    await until(() => first.length === 2, '2 in flight');
    const shutdown = service.shutdown('test');
    await logs.waitFor((l) => l.msg === 'consumer stopped taking messages');
    expect(service.health.report('readiness').status).toBe('down');
    gate.resolve();
    await shutdown;
    expect(first).toEqual(['m0', 'm1']);
    expect(queue.depth).toBe(3);
    const drained = logs.lines.find((l) => l.msg === 'drainer finished' && l.drainer === 'consumer draining');
    expect(drained?.result).toEqual({ completed: true, cut: 0, released: 0 });
    await service.close();

    const next = testService();
    const second: string[] = [];
    const consumer = await consumeMemory(next.service, { name: 'draining', queue, handler: (msg) => void second.push(msg.id) });
    await until(() => second.length === 3, 'the rest handled');
    expect(second).toEqual(['m2', 'm3', 'm4']);
    await consumer.close();
    await next.service.close();
  });

  it('returns a handler still running at the drain deadline to the front of the queue (cut) and aborts its signal', async () => {
    const { service } = testService();
    const queue = createMemoryQueue<number>('stuck');
    let aborted = false;
    const consumer = await consumeMemory(service, {
      name: 'stuck',
      queue,
      maxInFlight: 1,
      handler: (_msg, { signal }) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            resolve();
          });
        }),
    });
    publishMany(queue, 2);
    await until(() => consumer.inFlight === 1, 'in flight');
    const controller = new AbortController();
    const result = consumer.drain(controller.signal);
    controller.abort();
    expect(await result).toEqual({ completed: false, cut: 1, released: 0 });
    expect(aborted).toBe(true);
    await consumer.close();
    expect(queue.depth).toBe(2);
    expect(queue.unacked).toBe(0);
    const again: MemoryMessage<number>[] = [];
    const next = await consumeMemory(service, { name: 'again', queue, maxInFlight: 1, handler: (msg) => void again.push(msg) });
    await until(() => again.length === 2, 'redelivered');
    // the cut message comes first and counts its second delivery
    expect(again.map((m) => [m.id, m.deliveries])).toEqual([['m0', 2], ['m1', 1]]);
    await next.close();
    await service.close();
  });

  it('shares one queue between consumers: each message to one of them', async () => {
    const { service } = testService();
    const queue = createMemoryQueue<number>('shared');
    const got = new Map<string, string>();
    const a = await consumeMemory(service, { name: 'a', queue, maxInFlight: 2, handler: (m) => void got.set(m.id, 'a') });
    const b = await consumeMemory(service, { name: 'b', queue, maxInFlight: 2, handler: (m) => void got.set(m.id, 'b') });
    publishMany(queue, 50);
    await until(() => got.size === 50 && queue.unacked === 0, 'all handled');
    expect(new Set(got.values())).toEqual(new Set(['a', 'b']));
    await a.close();
    await b.close();
    await service.close();
  });

  it('reports readiness down once closed, and rejects invalid options with the option named', async () => {
    const { service } = testService();
    const queue = createMemoryQueue<number>('ready');
    const consumer = await consumeMemory(service, { name: 'ready', queue, handler: () => undefined });
    service.health.markStarted();
    await service.health.run();
    expect(service.health.report('readiness').checks['consumer:ready']?.status).toBe('up');
    await consumer.close();
    await expect(consumeMemory(service, { name: 'x', queue: {} as MemoryQueue<number>, handler: () => undefined })).rejects.toThrow(ConsumerOptionsError);
    await expect(consumeMemory(service, { name: 'x', queue, maxInFlight: 0, handler: () => undefined })).rejects.toThrow(/maxInFlight.*from 1 to 65535 \(got 0\)/);
    await service.close();
  });
});
