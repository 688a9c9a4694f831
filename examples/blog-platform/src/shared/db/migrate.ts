import type { Database } from './database.ts';
import { quoteIdent } from './identifier.ts';

/** One forward-only migration. `id`s sort in the order they apply (e.g. `001_users`). */
export interface Migration {
  readonly id: string;
  readonly sql: string;
}

/** What {@link migrate} did. */
export interface MigrationResult {
  /** Ids applied by this call (empty when the schema was up to date). */
  readonly applied: string[];
}

/**
 * Applies pending migrations under a session advisory lock keyed by the schema, so when several
 * replicas start at once exactly one applies them and the others wait, then find nothing to do.
 * Each migration runs in its own transaction together with its bookkeeping row.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<MigrationResult> {
  const schema = quoteIdent(db.schema, `migrate: the ${db.kind} database's schema`);
  return db.withAdvisoryLock(`podkit-migrations:${db.schema}`, async (conn) => {
    await conn.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await conn.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = new Set(
      (await conn.query<{ id: string }>(`SELECT id FROM ${schema}.schema_migrations`)).rows.map((r) => r.id),
    );
    const applied: string[] = [];
    for (const m of [...migrations].sort((a, b) => a.id.localeCompare(b.id))) {
      if (done.has(m.id)) continue;
      await conn.query('BEGIN');
      try {
        await conn.query(`SET LOCAL search_path TO ${schema}`);
        await conn.exec(m.sql);
        await conn.query(`INSERT INTO ${schema}.schema_migrations (id) VALUES ($1)`, [m.id]);
        await conn.query('COMMIT');
      } catch (err) {
        await conn.query('ROLLBACK').catch(() => {});
        throw new MigrationError(m.id, err);
      }
      applied.push(m.id);
    }
    return { applied };
  });
}

/** A migration failed; nothing of it was applied. */
export class MigrationError extends Error {
  /** Stable code. */
  readonly code = 'ERR_MIGRATION_FAILED';
  /** The failing migration's id. */
  readonly migrationId: string;
  constructor(migrationId: string, cause: unknown) {
    super(`migration ${migrationId} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
    this.migrationId = migrationId;
  }
}
