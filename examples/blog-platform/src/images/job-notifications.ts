import pg from 'pg';
import type { WorkerLogger } from './worker.ts';

/** Options of {@link listenForJobs}. */
export interface JobNotificationsOptions {
  /** `postgres://` URL of the database. */
  readonly url: string;
  /** Password (Secret `database-password`); overrides the URL's. */
  readonly password?: string | undefined;
  /** The channel uploads `pg_notify` on. */
  readonly channel: string;
  /** Called on every notification: wake the worker. */
  readonly onNotify: () => void;
  readonly logger: WorkerLogger;
  /** Delay before reconnecting after the connection drops. @default 2000 */
  readonly reconnectDelayMs?: number;
}

/** A `LISTEN` connection; close it on shutdown. */
export interface JobNotifications {
  close(): Promise<void>;
}

/**
 * Listens on a dedicated PostgreSQL connection for job notifications, so an idle worker in any
 * replica starts on an upload at once instead of at its next poll. Polling stays the safety
 * net: a dropped connection only delays work until it reconnects (on an unref'ed timer).
 * (PGlite runs in-process: uploads wake the local worker directly, no `LISTEN` needed.)
 */
export async function listenForJobs(options: JobNotificationsOptions): Promise<JobNotifications> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.channel)) throw new TypeError(`invalid channel name ${options.channel}`);
  const reconnectDelayMs = options.reconnectDelayMs ?? 2000;
  let client: pg.Client | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: options.url,
      ...(options.password === undefined ? {} : { password: options.password }),
      application_name: 'images-job-listener',
    });
    c.on('notification', () => options.onNotify());
    c.on('error', (err) => {
      options.logger.warn({ err }, 'job notification connection lost; polling until it reconnects');
      void c.end().catch(() => {});
      if (client === c) client = undefined;
      retry();
    });
    await c.connect();
    await c.query(`LISTEN ${options.channel}`);
    if (closed) {
      await c.end();
      return;
    }
    client = c;
    options.onNotify(); // catch up on anything enqueued while disconnected
  }

  function retry(): void {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect().catch((err: unknown) => {
        options.logger.warn({ err }, 'job notification connection failed; retrying');
        retry();
      });
    }, reconnectDelayMs);
    timer.unref();
  }

  await connect();
  return {
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const c = client;
      client = undefined;
      await c?.end();
    },
  };
}
