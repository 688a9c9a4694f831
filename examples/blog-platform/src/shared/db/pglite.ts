import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './database.ts';
import { quoteIdent } from './identifier.ts';

/** Options for {@link openPglite}. */
export interface PgliteOptions {
  /** Data directory; `undefined` or `memory://` keeps the database in memory. */
  readonly dataDir?: string | undefined;
  /** The schema this service owns; set as `search_path`. */
  readonly schema: string;
}

interface PgliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(script: string): Promise<unknown>;
}

function wrap(db: PgliteLike): Queryable {
  return {
    async query<R>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const res = await db.query<R>(text, params as unknown[] | undefined);
      return { rows: res.rows, rowCount: res.rows.length > 0 ? res.rows.length : (res.affectedRows ?? 0) };
    },
    async exec(script: string): Promise<void> {
      await db.exec(script);
    },
  };
}

/**
 * Opens PGlite (real PostgreSQL compiled to WebAssembly) in this process. It has one
 * connection, so the advisory lock is taken as on PostgreSQL but never contended.
 */
export async function openPglite(options: PgliteOptions): Promise<Database> {
  const schema = quoteIdent(options.schema, 'openPglite option schema');
  if (options.dataDir !== undefined && !options.dataDir.startsWith('memory://')) await mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir === undefined ? {} : { dataDir: options.dataDir });
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${schema}; SET search_path TO ${schema}`);
  const base = wrap(db);
  // One session: PostgreSQL's advisory locks are re-entrant within it, so callers in this process
  // are serialized by a promise chain as well.
  let tail: Promise<unknown> = Promise.resolve();
  return {
    kind: 'pglite',
    schema: options.schema,
    ...base,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(wrap(tx)));
    },
    withAdvisoryLock<T>(key: string, fn: (conn: Queryable) => Promise<T>): Promise<T> {
      const run = async (): Promise<T> => {
        await db.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
        try {
          return await fn(base);
        } finally {
          await db.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
        }
      };
      const result = tail.then(run, run);
      tail = result.catch(() => {});
      return result;
    },
    async ping(): Promise<void> {
      await db.query('SELECT 1');
    },
    async close(): Promise<void> {
      if (!db.closed) await db.close();
    },
  };
}
