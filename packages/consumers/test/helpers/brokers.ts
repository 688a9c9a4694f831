/**
 * Real brokers for the tests: RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672)
 * and NATS with JetStream at NATS_URL (default 127.0.0.1:4222). Every test makes its own
 * uniquely named queue or stream and removes it afterwards.
 */
import { randomUUID } from 'node:crypto';
import { AckPolicy, jetstreamManager } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import amqplib from 'amqplib';
import type { ChannelModel } from 'amqplib';
import { createService } from '@podkit/core';
import type { Service } from '@podkit/core';
import { capture } from './capture.ts';
import type { Capture } from './capture.ts';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const NATS_URL = process.env.NATS_URL ?? '127.0.0.1:4222';

/** Removals of the queues and streams made by the running test, for {@link removeLeftovers}. */
const leftovers = new Set<() => Promise<void>>();

/** Removes what a failed test did not (call in `afterEach`). */
export async function removeLeftovers(): Promise<void> {
  for (const remove of [...leftovers]) await remove().catch(() => undefined);
}

/** Registers `remove` until it has run once. */
function tracked(remove: () => Promise<void>): () => Promise<void> {
  const once = async (): Promise<void> => {
    leftovers.delete(once);
    await remove();
  };
  leftovers.add(once);
  return once;
}

/** A unique, broker-safe name for this test run. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
}

/** A service whose log lines are captured, with no signal handlers installed. */
export function testService(gracePeriodMs = 10_000): { service: Service; logs: Capture } {
  const logs = capture();
  const service = createService({
    name: 'consumer-test',
    version: '0.0.0',
    destination: logs,
    logLevel: 'debug',
    runtimeMetrics: false,
    eventLoopCheck: false,
    gracePeriodMs,
    propagationDelayMs: 0,
    exit: () => undefined,
  });
  return { service, logs };
}

/** A classic queue with a dead-letter exchange bound to `<queue>.dead`; `remove()` deletes all three. */
export async function amqpQueue(connection: ChannelModel, type: 'classic' | 'quorum' = 'classic'): Promise<{ queue: string; dead: string; remove(): Promise<void> }> {
  const queue = uniqueName('podkit_test');
  const dead = `${queue}.dead`;
  const ch = await connection.createChannel();
  await ch.assertExchange(dead, 'fanout', { durable: false, autoDelete: false });
  await ch.assertQueue(dead, { durable: type === 'quorum' });
  await ch.bindQueue(dead, dead, '');
  await ch.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': type, 'x-dead-letter-exchange': dead } });
  await ch.close();
  return {
    queue,
    dead,
    remove: tracked(async () => {
      const c = await connection.createChannel();
      await c.deleteQueue(queue);
      await c.deleteQueue(dead);
      await c.deleteExchange(dead);
      await c.close();
    }),
  };
}

export function amqpConnect(): Promise<ChannelModel> {
  return amqplib.connect(AMQP_URL);
}

/** `amqplib.connect` to the test broker through a local relay on `port` (so a test can cut or reset it). */
export function amqpConnectVia(port: number): Promise<ChannelModel> {
  const url = new URL(AMQP_URL);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  return amqplib.connect(url.toString());
}

export function natsConnectTest(): Promise<NatsConnection> {
  return natsConnect({ servers: NATS_URL });
}

/** A stream `<name>` on subject `<name>.>` with a durable pull consumer `worker`; `remove()` deletes it. */
export async function natsStream(
  nc: NatsConnection,
  consumer: { maxDeliver?: number; ackWaitMs?: number } = {},
): Promise<{ stream: string; subject: string; durable: string; remove(): Promise<void> }> {
  const stream = uniqueName('PODKIT_TEST');
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: stream, subjects: [`${stream}.>`] });
  await jsm.consumers.add(stream, {
    durable_name: 'worker',
    ack_policy: AckPolicy.Explicit,
    filter_subject: `${stream}.work`,
    max_deliver: consumer.maxDeliver ?? -1,
    ack_wait: (consumer.ackWaitMs ?? 30_000) * 1_000_000,
  });
  return {
    stream,
    subject: `${stream}.work`,
    durable: 'worker',
    remove: tracked(async () => {
      await jsm.streams.delete(stream);
    }),
  };
}

/** Polls `condition` every few ms until it holds, failing after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
