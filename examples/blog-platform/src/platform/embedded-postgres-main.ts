/**
 * Process entry of the platform's shared embedded PostgreSQL ({@link startEmbeddedPostgres}):
 * `EMBEDDED_POSTGRES_DATA_DIR` (default in memory), `EMBEDDED_POSTGRES_PORT` (default any free
 * port). Tells its parent `{ type: 'listening', port, url }` over IPC; SIGTERM or SIGINT closes it.
 */
import { startEmbeddedPostgres } from './embedded-postgres.ts';

const db = await startEmbeddedPostgres({
  dataDir: process.env.EMBEDDED_POSTGRES_DATA_DIR,
  port: Number(process.env.EMBEDDED_POSTGRES_PORT ?? 0),
});
process.send?.({ type: 'listening', port: db.port, url: db.url });
process.channel?.unref();
const stop = (): void => {
  db.close().then(
    () => process.disconnect?.(),
    (err: unknown) => {
      process.stderr.write(`embedded PostgreSQL: close failed: ${String(err)}\n`);
      process.exitCode = 1;
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
