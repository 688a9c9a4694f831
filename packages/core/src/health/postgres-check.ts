import { createDependencyCheck } from './dependency-check.ts';
import type { DependencyCheckOptions } from './dependency-check.ts';
import type { HealthCheckDefinition } from './types.ts';

/**
 * What {@link createPostgresCheck} needs from a PostgreSQL client: a `pg` `Pool` or `Client`
 * fits, and so does PGlite or any object with a `query(sql)` returning a promise. Structural, so
 * podkit adds no dependency on a driver.
 */
export interface PostgresQueryable {
  /** Runs `sql`; the check passes when the promise resolves. */
  query(sql: string): Promise<unknown>;
}

/** Options of {@link createPostgresCheck}. */
export interface PostgresCheckOptions extends DependencyCheckOptions {
  /** @default 'postgres' */
  readonly name?: string;
  /** @default 2000 (room for a new connection's TLS and SCRAM handshake; `SELECT 1` itself takes ~1 ms) */
  readonly timeoutMs?: number;
  /** The query sent. @default 'SELECT 1' */
  readonly query?: string;
}

/**
 * A readiness check that sends `SELECT 1` through a PostgreSQL pool: it fails when the database
 * is unreachable, refuses the connection, or does not answer within `timeoutMs`. Never counts for
 * liveness. While a query it sent is still unanswered (a stuck connection: `pg` cannot cancel
 * it), the next run fails at once rather than taking another pool client. Give the pool
 * `connectionTimeoutMillis` and `query_timeout` so a stuck client is dropped, not kept.
 *
 * @example
 * ```ts
 * import pg from 'pg';
 * const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 2000, query_timeout: 5000 });
 * service.health.register(createPostgresCheck(pool));
 * ```
 */
export function createPostgresCheck(pool: PostgresQueryable, options: PostgresCheckOptions = {}): HealthCheckDefinition {
  const sql = options.query ?? 'SELECT 1';
  return createDependencyCheck({ label: 'PostgreSQL', ...options, name: options.name ?? 'postgres', timeoutMs: options.timeoutMs ?? 2000 }, () => pool.query(sql));
}
