import pg from 'pg';

/** RabbitMQ for the broker path (CI sets no broker URL: the tests pick the local one). */
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * A PostgreSQL URL for the broker path: the worker is its own process and shares the comments
 * database, which PGlite (in-process) cannot. `DATABASE_URL` when set, else a database on the
 * local server (created when missing).
 */
export async function sharedDatabaseUrl(): Promise<string> {
  const given = process.env.DATABASE_URL;
  if (given !== undefined && given !== '') return given;
  const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM pg_database WHERE datname = 'podkit_worker'`);
    if (rowCount === 0) await client.query('CREATE DATABASE podkit_worker').catch(() => undefined);
  } finally {
    await client.end();
  }
  return 'postgres://postgres@127.0.0.1:5432/podkit_worker';
}

/** Deletes the queues a test platform declared (`comment-events.<isolate>` and its dead letters). */
export async function deleteQueues(isolate: string): Promise<void> {
  const { default: amqplib } = await import('amqplib');
  const connection = await amqplib.connect(AMQP_URL);
  try {
    const ch = await connection.createChannel();
    const queue = `comment-events.${isolate}`;
    await ch.deleteQueue(queue);
    await ch.deleteQueue(`${queue}.dead`);
    await ch.deleteExchange(`${queue}.dead`);
    await ch.close();
  } finally {
    await connection.close();
  }
}
