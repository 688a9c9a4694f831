import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import type { NatsConnection } from '@nats-io/transport-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerOptionsError, ConsumerStartError } from '../src/index.ts';
import { DEAD_LETTER_ORIGIN_HEADER, DEAD_LETTER_REASON_HEADER, consumeJetStream } from '../src/nats/index.ts';
import { natsConnectTest, natsStream, removeLeftovers, testService, until } from './helpers/brokers.ts';

let publisher: NatsConnection;
beforeAll(async () => {
  publisher = await natsConnectTest();
});
afterEach(removeLeftovers);
afterAll(async () => {
  await publisher.close();
});

async function publish(subject: string, count: number, from = 0): Promise<void> {
  const js = jetstream(publisher);
  for (let i = from; i < from + count; i++) await js.publish(subject, String(i), { msgID: `m${String(i)}` });
}

/**
 * Takes the messages left for the durable consumer, as the next consumer would, until `count`
 * arrived, then one more pull to show nothing else is left. Returns their ids.
 */
async function takeRemaining(stream: string, count: number): Promise<string[]> {
  const consumer = await jetstream(publisher).consumers.get(stream, 'worker');
  const ids: string[] = [];
  while (ids.length < count) {
    const m = await consumer.next({ expires: 10_000 });
    if (m === null) break;
    ids.push(m.headers?.get('Nats-Msg-Id') ?? String(m.seq));
    await m.ackAck();
  }
  const extra = await consumer.next({ expires: 1000 });
  if (extra !== null) ids.push(`extra:${extra.headers?.get('Nats-Msg-Id') ?? String(extra.seq)}`);
  return ids;
}

/** Messages of the durable consumer not yet acked (pending + waiting for an ack). */
async function unacked(stream: string): Promise<number> {
  const info = await (await jetstreamManager(publisher)).consumers.info(stream, 'worker');
  return info.num_pending + info.num_ack_pending;
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('consumeJetStream (real NATS JetStream)', () => {
  it('keeps at most `maxInFlight` handlers running and acks only after the handler finished', async () => {
    const { service } = testService();
    const s = await natsStream(publisher);
    const connection = await natsConnectTest();
    const gates: { id: string; gate: ReturnType<typeof deferred> }[] = [];
    let running = 0;
    let maxRunning = 0;
    const consumer = await consumeJetStream(service, {
      name: 'bounded',
      connection,
      stream: s.stream,
      consumer: s.durable,
      maxInFlight: 3,
      handler: async (_msg: JsMsg, { messageId }) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        const gate = deferred();
        gates.push({ id: messageId, gate });
        await gate.promise;
        running--;
      },
    });
    await publish(s.subject, 10);
    await until(() => gates.length === 3, '3 handlers running');
    expect(consumer.inFlight).toBe(3);
    expect(await unacked(s.stream)).toBe(10);
    for (let done = 0; done < 10; done++) {
      await until(() => gates.length > done, `handler ${String(done + 1)}`);
      gates[done]!.gate.resolve();
    }
    await until(async () => consumer.inFlight === 0 && (await unacked(s.stream)) === 0, 'all acked');
    expect(maxRunning).toBe(3);
    expect(gates.map((g) => g.id).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `m${String(i)}`).sort());
    await consumer.close();
    expect(connection.isClosed()).toBe(true);
    await s.remove();
    await service.close();
  });

  it('naks a failing message until maxDeliveries, then republishes it to the dead-letter subject and terminates it', async () => {
    const { service, logs } = testService();
    const s = await natsStream(publisher, { maxDeliver: 10 });
    const connection = await natsConnectTest();
    const seen: number[] = [];
    const consumer = await consumeJetStream(service, {
      name: 'failing',
      connection,
      stream: s.stream,
      consumer: s.durable,
      maxDeliveries: 3,
      deadLetterSubject: `${s.stream}.dead`,
      handler: (_msg, { deliveries }) => {
        seen.push(deliveries);
        throw new Error('cannot handle this');
      },
    });
    const h = headers();
    h.set('Trace', 'kept');
    await jetstream(publisher).publish(s.subject, '0', { msgID: 'm0', headers: h });
    const jsm = await jetstreamManager(publisher);
    await until(async () => (await jsm.streams.info(s.stream)).state.messages === 2, 'dead-lettered copy');
    await until(async () => (await unacked(s.stream)) === 0, 'terminated');
    expect(seen).toEqual([1, 2, 3]);
    const failures = logs.lines.filter((l) => l.msg.startsWith('message handler failed'));
    expect(failures.map((l) => [l.messageId, l.deliveries])).toEqual([
      ['m0', 1],
      ['m0', 2],
      ['m0', 3],
    ]);
    const dead = await jsm.streams.getMessage(s.stream, { last_by_subj: `${s.stream}.dead` });
    expect(dead?.string()).toBe('0');
    expect(dead?.header.get(DEAD_LETTER_REASON_HEADER)).toBe('handler failed on delivery 3 of 3');
    expect(dead?.header.get(DEAD_LETTER_ORIGIN_HEADER)).toBe(`${s.stream}#1`);
    expect(dead?.header.get('Trace')).toBe('kept');
    await consumer.close();
    await s.remove();
    await service.close();
  });

  it('on shutdown stops pulling at once, finishes in-flight handlers, naks the rest and drains the connection', async () => {
    const { service, logs } = testService();
    const s = await natsStream(publisher);
    const connection = await natsConnectTest();
    const gate = deferred();
    const started: string[] = [];
    await consumeJetStream(service, {
      name: 'draining',
      connection,
      stream: s.stream,
      consumer: s.durable,
      maxInFlight: 2,
      handler: async (_msg, { messageId }) => {
        started.push(messageId);
        await gate.promise;
      },
    });
    await service.start();
    await publish(s.subject, 5);
    await until(() => started.length === 2, '2 in flight');
    const shutdown = service.shutdown('test');
    await logs.waitFor((l) => l.msg === 'consumer stopped taking messages');
    gate.resolve();
    await shutdown;
    expect(connection.isClosed()).toBe(true);
    expect(started).toHaveLength(2);
    // The two in flight were acked; the other three go to the next consumer at once (nak'ed,
    // not left to the 30 s ack wait), and the two handled ones never come back.
    const rest = await takeRemaining(s.stream, 3);
    expect(rest.sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4'].filter((id) => !started.includes(id)));
    await s.remove();
    await service.close();
  });

  it('naks a handler still running when the drain is cut', async () => {
    const { service } = testService();
    const s = await natsStream(publisher);
    const connection = await natsConnectTest();
    const consumer = await consumeJetStream(service, {
      name: 'stuck',
      connection,
      stream: s.stream,
      consumer: s.durable,
      handler: (_msg, { signal }) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve())),
    });
    await publish(s.subject, 1);
    await until(() => consumer.inFlight === 1, 'in flight');
    const controller = new AbortController();
    const result = consumer.drain(controller.signal);
    controller.abort();
    expect(await result).toMatchObject({ completed: false, cut: 1 });
    await consumer.close();
    expect(await takeRemaining(s.stream, 1)).toEqual(['m0']);
    await s.remove();
    await service.close();
  });

  it('keeps a handler slower than ack_wait from being redelivered (working() progress)', async () => {
    const { service } = testService();
    const s = await natsStream(publisher, { ackWaitMs: 1000 });
    const connection = await natsConnectTest();
    const calls: number[] = [];
    const consumer = await consumeJetStream(service, {
      name: 'slow',
      connection,
      stream: s.stream,
      consumer: s.durable,
      handler: async (_msg, { deliveries }) => {
        calls.push(deliveries);
        // The work: three times the consumer's ack_wait.
        await new Promise((resolve) => setTimeout(resolve, 3000));
      },
    });
    await publish(s.subject, 1);
    await until(async () => calls.length > 0 && consumer.inFlight === 0 && (await unacked(s.stream)) === 0, 'handled and acked');
    expect(calls).toEqual([1]);
    const info = await (await jetstreamManager(publisher)).consumers.info(s.stream, 'worker');
    expect(info.num_redelivered).toBe(0);
    await consumer.close();
    await s.remove();
    await service.close();
  });

  it('reports readiness down once the connection is closed', async () => {
    const { service } = testService();
    const s = await natsStream(publisher);
    const connection = await natsConnectTest();
    const consumer = await consumeJetStream(service, { name: 'ready', connection, stream: s.stream, consumer: s.durable, handler: () => undefined });
    service.health.markStarted();
    await service.health.run();
    expect(service.health.report('readiness').checks['consumer:ready']?.status).toBe('up');
    await connection.close();
    await service.health.run();
    expect(service.health.report('readiness').checks['consumer:ready']?.error).toMatch(/closed/);
    await consumer.close();
    await s.remove();
    await service.close();
  });

  it('fails to start with ConsumerStartError naming the stream and consumer when they do not exist', async () => {
    const { service } = testService();
    const connection = await natsConnectTest();
    const error = await consumeJetStream(service, { name: 'lost', connection, stream: 'PODKIT_NO_SUCH_STREAM', consumer: 'worker', handler: () => undefined }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConsumerStartError);
    expect((error as Error).message).toMatch(/^consumer "lost": cannot get consumer "worker" of stream "PODKIT_NO_SUCH_STREAM": .*not found/);
    await connection.close();
    await service.close();
  });

  it('warns at startup when a pull could outlast half the drain budget', async () => {
    const { service, logs } = testService(4000);
    const s = await natsStream(publisher);
    const connection = await natsConnectTest();
    const consumer = await consumeJetStream(service, { name: 'tight', connection, stream: s.stream, consumer: s.durable, pullExpiresMs: 3000, handler: () => undefined });
    const warning = logs.lines.find((l) => l.msg.startsWith('pullExpiresMs is more than half the drain budget'));
    expect(warning).toMatchObject({ level: 'warn', pullExpiresMs: 3000, drainTimeoutMs: service.lifecycle.plan.drainTimeoutMs });
    await consumer.close();
    await s.remove();
    await service.close();
  });

  it('rejects bad options with the option named', async () => {
    const { service } = testService();
    const connection = await natsConnectTest();
    await expect(
      consumeJetStream(service, { name: 'x', connection, stream: 'S', consumer: 'c', maxInFlight: 1.5, handler: () => undefined }),
    ).rejects.toThrow(new ConsumerOptionsError('maxInFlight', 'must be an integer from 1 to 100000 (got 1.5)'));
    await connection.close();
    await service.close();
  });
});
