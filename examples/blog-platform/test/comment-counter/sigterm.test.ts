/**
 * The comment-counter worker drains on SIGTERM (real RabbitMQ, real PostgreSQL, child
 * processes): 200 comment events are queued, the worker (8 in flight, 40 ms each) is SIGTERMed
 * after 40 were applied, exits 0 having finished what it had in flight, and a new worker applies
 * the rest: every event applied once, the count right.
 */
import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { spawnService, type ServiceProcess } from '../../src/platform/child.ts';
import { uniqueId } from '../helpers/backends.ts';
import { NO_CONFIG_DIR } from '../helpers/no-config.ts';
import { jsonLines } from '../helpers/platform.ts';
import { AMQP_URL, deleteQueues, sharedDatabaseUrl } from './broker.ts';

const EVENTS = 200;
const isolate = uniqueId();
const schema = `comments_${isolate}`;
let databaseUrl = '';

afterAll(async () => {
  await deleteQueues(isolate).catch(() => undefined);
  if (databaseUrl === '') return;
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await client.end();
}, 30_000);

async function worker(id: string, lines: string[]): Promise<ServiceProcess> {
  const proc = await spawnService({
    id,
    service: 'comment-counter',
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      ADMIN_PORT: '0',
      AMQP_URL,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      EVENTS_QUEUE: `comment-events.${isolate}`,
      EVENTS_PREFETCH: '8',
      EVENTS_APPLY_DELAY: '40ms',
      PODKIT_CONFIG_DIR: NO_CONFIG_DIR,
      PODKIT_SECRETS_DIR: NO_CONFIG_DIR,
    },
    onLine: (line) => lines.push(line),
  });
  await proc.ready;
  return proc;
}

async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1_200; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

it('a SIGTERMed worker exits 0 after its in-flight events; a new worker applies the rest, each once', async () => {
  databaseUrl = await sharedDatabaseUrl();
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const applied = async (): Promise<number> => Number((await db.query(`SELECT count(*) AS n FROM "${schema}".applied_comment_events`)).rows[0].n);
  try {
    const firstLines: string[] = [];
    const first = await worker('counter-1', firstLines);
    const postId = randomUUID();
    const connection = await amqplib.connect(AMQP_URL);
    const ch = await connection.createConfirmChannel();
    for (let i = 0; i < EVENTS; i++) {
      const event = { id: randomUUID(), kind: 'comment.created', commentId: randomUUID(), postId };
      ch.sendToQueue(`comment-events.${isolate}`, Buffer.from(JSON.stringify(event)), { persistent: true, messageId: event.id });
    }
    await ch.waitForConfirms();
    await connection.close();

    await until('40 events applied', async () => (await applied()) >= 40);
    first.child.kill('SIGTERM');
    const tail = (): string => firstLines.slice(-15).join('\n');
    expect(await first.exited, tail()).toBe(0);
    const afterFirst = await applied();
    expect(afterFirst, tail()).toBeLessThan(EVENTS);
    const drained = jsonLines(firstLines).find((l) => l.msg === 'drainer finished' && l.drainer === 'consumer comment-events');
    expect(drained?.result, tail()).toMatchObject({ completed: true, cut: 0 });
    // mid-stream: handlers were running when intake stopped
    const stopped = jsonLines(firstLines).find((l) => l.msg === 'consumer stopped taking messages');
    expect(stopped?.inFlight, tail()).toBeGreaterThan(0);

    const second = await worker('counter-2', []);
    await until('all events applied', async () => (await applied()) === EVENTS);
    const count = await db.query(`SELECT comment_count FROM "${schema}".post_comment_counts WHERE post_id = $1`, [postId]);
    expect(count.rows[0].comment_count).toBe(EVENTS);
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  } finally {
    await db.end();
  }
}, 120_000);
