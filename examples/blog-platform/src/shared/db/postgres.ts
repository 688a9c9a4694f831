import pg from 'pg';
import type { Database, Queryable, QueryResult } from './database.ts';
import { quoteIdent } from './identifier.ts';

/** Options for {@link openPostgres}. */
export interface PostgresOptions {
  /** A `postgres://` connection string. Its password, if any, is used unless `password` is set. */
  readonly url: string;
  /** The schema this service owns; set as `search_path` on every connection. */
  readonly schema: string;
  /** Password (from the Secret `database-password`); overrides the URL's. */
  readonly password?: string | undefined;
  /** Pool size. @default 10 */
  readonly max?: number | undefined;
  /** Application name shown in `pg_stat_activity`. */
  readonly applicationName?: string | undefined;
}

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await client.query(text, params as unknown[] | undefined);
      return { rows: res.rows as R[], rowCount: res.rowCount ?? res.rows.length };
    },
    async exec(script: string): Promise<void> {
      await client.query(script);
    },
  };
}

/** Opens a `pg` Pool whose connections all use `search_path = <schema>`. */
export function openPostgres(options: PostgresOptions): Database {
  const schema = quoteIdent(options.schema, 'openPostgres option schema');
  const pool = new pg.Pool({
    connectionString: options.url,
    ...(options.password === undefined ? {} : { password: options.password }),
    max: options.max ?? 10,
    application_name: options.applicationName,
    options: `-c search_path=${schema}`,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    allowExitOnIdle: true,
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const base = wrap(pool);

  return {
    kind: 'postgres',
    schema: options.schema,
    ...base,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async withAdvisoryLock<T>(key: string, fn: (conn: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn(wrap(client));
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        }
      } finally {
        client.release();
      }
    },
    async ping(): Promise<void> {
      await pool.query('SELECT 1');
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}
