/**
 * One database interface over `pg` (a real PostgreSQL) and PGlite (PostgreSQL in WebAssembly,
 * in-process). Both run the SAME SQL: services never branch on the backend.
 */

/** The rows of one statement. */
export interface QueryResult<R> {
  /** Rows returned (empty for statements without `RETURNING`). */
  readonly rows: R[];
  /** Rows affected or returned. */
  readonly rowCount: number;
}

/** Anything that runs SQL: the database itself or a transaction. */
export interface Queryable {
  /** Runs one parameterized statement (`$1`, `$2`, ...). */
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

/** A service's database, scoped to its own schema through `search_path`. */
export interface Database extends Queryable {
  /** Which backend runs the SQL. */
  readonly kind: 'postgres' | 'pglite';
  /** The schema this service owns (its tables are created there). */
  readonly schema: string;
  /** Runs `fn` in a transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Runs `fn` on one connection while holding a session-level advisory lock on `key`
   * (`pg_advisory_lock(hashtext(key))`), so several replicas never run it at once.
   */
  withAdvisoryLock<T>(key: string, fn: (conn: Queryable) => Promise<T>): Promise<T>;
  /** A cheap round trip (`SELECT 1`) for readiness. */
  ping(): Promise<void>;
  /** Closes the pool or the embedded instance. */
  close(): Promise<void>;
}

/** PostgreSQL's SQLSTATE for a unique violation. */
export const UNIQUE_VIOLATION = '23505';
/** PostgreSQL's SQLSTATE for a foreign key violation. */
export const FOREIGN_KEY_VIOLATION = '23503';
/** PostgreSQL's SQLSTATE for malformed text for a type (e.g. a bad uuid). */
export const INVALID_TEXT_REPRESENTATION = '22P02';

/** True when `err` is a PostgreSQL error with SQLSTATE `code` (works for `pg` and PGlite). */
export function isSqlState(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

