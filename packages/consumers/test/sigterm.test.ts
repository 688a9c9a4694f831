/**
 * The end-to-end promise, against the real brokers: a publisher at a steady rate, a consumer
 * process SIGTERMed mid-stream, a new consumer started. Every published message is handled, none
 * is lost, the messages handled twice are counted (at most the in-flight bound; 0 here, as both
 * adapters ack only after the handler and the broker has every ack before the connection
 * closes), and the SIGTERMed process exits 0 within its budget.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { jetstream } from '@nats-io/jetstream';
import { afterEach, describe, expect, it } from 'vitest';
import { amqpConnect, amqpQueue, natsConnectTest, natsStream } from './helpers/brokers.ts';

const fixture = fileURLToPath(new URL('./fixtures/worker.ts', import.meta.url));
const TOTAL = 200;
const RATE_MS = 5;
const IN_FLIGHT = 16;
/** Longer than a shutdown that does not wait for handlers takes, so such a shutdown would lose messages. */
const WORK_MS = 250;
const GRACE_MS = 10_000;

interface Worker {
  readonly proc: ChildProcess;
  readonly handled: string[];
  readonly lines: Record<string, unknown>[];
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startWorker(broker: 'amqp' | 'nats', env: Record<string, string>): Worker {
  const proc = spawn(process.execPath, ['--conditions=@podkit/source', fixture, broker], {
    env: { ...process.env, ...env, KUBERNETES_SERVICE_HOST: '', WORK_MS: String(WORK_MS), IN_FLIGHT: String(IN_FLIGHT), GRACE_MS: String(GRACE_MS) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const lines: Record<string, unknown>[] = [];
  const handled: string[] = [];
  const waiters = new Set<{ predicate: (line: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }>();
  let buffer = '';
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      if (line.msg === 'handled') handled.push(String(line.messageId));
      for (const w of [...waiters]) {
        if (w.predicate(line)) {
          waiters.delete(w);
          w.resolve(line);
        }
      }
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.on('exit', (code, signal) => {
      if (code !== 0 && stderr) console.error(stderr);
      resolve({ code, signal, at: performance.now() });
    }),
  );
  return {
    proc,
    handled,
    lines,
    exit,
    waitFor: (predicate) => {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.add({ predicate, resolve })),
        exit.then((e) => {
          throw new Error(`worker exited (${String(e.code)}) before the awaited line; stderr: ${stderr}`);
        }),
      ]);
    },
  };
}

/** Publishes ids m0..m(TOTAL-1), one every RATE_MS, until done; resolves when all are confirmed. */
function steadyPublisher(publish: (id: string) => Promise<unknown>): { published: string[]; done: Promise<void> } {
  const published: string[] = [];
  const pending: Promise<unknown>[] = [];
  const done = new Promise<void>((resolve, reject) => {
    let next = 0;
    const timer = setInterval(() => {
      const id = `m${String(next++)}`;
      pending.push(publish(id).then(() => published.push(id)));
      if (next === TOTAL) {
        clearInterval(timer);
        Promise.all(pending).then(() => resolve(), reject);
      }
    }, RATE_MS);
  });
  return { published, done };
}

async function scenario(broker: 'amqp' | 'nats', env: Record<string, string>, publish: (id: string) => Promise<unknown>): Promise<void> {
  const first = startWorker(broker, env);
  await first.waitFor((l) => l.msg === 'service started');
  const publisher = steadyPublisher(publish);
  // Mid-stream: the first worker is busy and the publisher keeps going.
  await first.waitFor(() => first.handled.length >= 40);
  const termAt = performance.now();
  first.proc.kill('SIGTERM');
  const stopped = await first.waitFor((l) => l.msg === 'consumer stopped taking messages');
  const exited = await first.exit;
  const second = startWorker(broker, env);
  await publisher.done;
  const all = (): string[] => [...first.handled, ...second.handled];
  // Bounded, so a lost message fails with the ids that never arrived instead of a test timeout.
  let bound: NodeJS.Timeout | undefined;
  await Promise.race([
    second.waitFor(() => new Set(all()).size === TOTAL),
    new Promise((_, reject) => {
      bound = setTimeout(() => {
        const seen = new Set(all());
        reject(new Error(`not handled after 60 s: ${publisher.published.filter((id) => !seen.has(id)).join(', ')}`));
      }, 60_000);
    }),
  ]).finally(() => clearTimeout(bound));
  second.proc.kill('SIGTERM');
  const secondExit = await second.exit;

  const handled = all();
  const duplicates = handled.length - new Set(handled).size;
  console.info(
    `${broker}: published ${String(publisher.published.length)}, handled ${String(new Set(handled).size)} ` +
      `(first ${String(first.handled.length)}, second ${String(second.handled.length)}), duplicates ${String(duplicates)}, ` +
      `in flight at SIGTERM ${String(stopped.inFlight)}, exit ${String(exited.code)} after ${String(Math.round(exited.at - termAt))} ms`,
  );
  expect(publisher.published).toHaveLength(TOTAL);
  expect(new Set(handled)).toEqual(new Set(publisher.published));
  expect(duplicates).toBeLessThanOrEqual(IN_FLIGHT);
  expect(duplicates).toBe(0);
  expect(exited.code).toBe(0);
  expect(exited.at - termAt).toBeLessThan(GRACE_MS);
  expect(secondExit.code).toBe(0);
  const drained = first.lines.find((l) => l.msg === 'drainer finished');
  expect(drained?.result).toMatchObject({ completed: true, cut: 0 });
}

describe('a consumer SIGTERMed mid-stream loses no message (real brokers, child processes)', () => {
  it('RabbitMQ', { timeout: 90_000 }, async () => {
    const publisherConnection = await amqpConnect();
    const q = await amqpQueue(publisherConnection);
    const channel = await publisherConnection.createConfirmChannel();
    try {
      await scenario('amqp', { QUEUE: q.queue }, (id) =>
        new Promise<void>((resolve, reject) => {
          channel.sendToQueue(q.queue, Buffer.from(id), { messageId: id, persistent: true }, (err: unknown) => (err ? reject(new Error('publish nacked')) : resolve()));
        }),
      );
    } finally {
      await channel.close();
      await q.remove();
      await publisherConnection.close();
    }
  });

  it('NATS JetStream', { timeout: 90_000 }, async () => {
    const nc = await natsConnectTest();
    const s = await natsStream(nc);
    const js = jetstream(nc);
    try {
      await scenario('nats', { STREAM: s.stream, DURABLE: s.durable }, (id) => js.publish(s.subject, id, { msgID: id }));
    } finally {
      await s.remove();
      await nc.close();
    }
  });
});
