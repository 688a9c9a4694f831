import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/shared/db/database.ts';
import { isSqlState, UNIQUE_VIOLATION } from '../../src/shared/db/database.ts';
import { migrate, MigrationError } from '../../src/shared/db/migrate.ts';
import { backends } from '../helpers/backends.ts';

const migrations = [
  { id: '001_a', sql: 'CREATE TABLE a (id int PRIMARY KEY, tags text[] NOT NULL DEFAULT $$ {} $$); CREATE INDEX a_tags ON a (id);' },
  { id: '002_b', sql: 'ALTER TABLE a ADD COLUMN note text' },
];

describe.each(backends())('database on $name', (backend) => {
  let db: Database;
  afterAll(() => backend.cleanup());

  it('applies migrations once, in order, into its own schema', async () => {
    db = await backend.openDatabase('dbtest');
    expect((await migrate(db, migrations)).applied).toEqual(['001_a', '002_b']);
    expect((await migrate(db, migrations)).applied).toEqual([]);
    const { rows } = await db.query<{ table_schema: string }>(
      `SELECT table_schema FROM information_schema.tables WHERE table_name = 'a' AND table_schema = $1`,
      [db.schema],
    );
    expect(rows).toHaveLength(1);
  });

  it('runs the same SQL: arrays, RETURNING, unique violations', async () => {
    const { rows } = await db.query<{ id: number; tags: string[] }>(`INSERT INTO a (id, tags) VALUES ($1, $2) RETURNING *`, [1, ['x', 'y']]);
    expect(rows[0]).toMatchObject({ id: 1, tags: ['x', 'y'] });
    const err = await db.query(`INSERT INTO a (id) VALUES (1)`).catch((e: unknown) => e);
    expect(isSqlState(err, UNIQUE_VIOLATION)).toBe(true);
    expect((await db.query(`UPDATE a SET note = 'n' WHERE id = 1`)).rowCount).toBe(1);
  });

  it('rolls back a failed transaction entirely', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`INSERT INTO a (id) VALUES (2)`);
        await tx.query(`INSERT INTO a (id) VALUES (1)`);
      }),
    ).rejects.toMatchObject({ code: UNIQUE_VIOLATION });
    expect((await db.query(`SELECT id FROM a WHERE id = 2`)).rows).toEqual([]);
  });

  it('serializes concurrent migrators under the advisory lock and leaves nothing half-applied', async () => {
    const more = [...migrations, { id: '003_c', sql: 'CREATE TABLE c (id int)' }];
    const results = await Promise.all([migrate(db, more), migrate(db, more), migrate(db, more)]);
    expect(results.flatMap((r) => r.applied)).toEqual(['003_c']);
    const bad = [...more, { id: '004_bad', sql: 'CREATE TABLE d (id int); SELECT * FROM missing_table' }];
    await expect(migrate(db, bad)).rejects.toBeInstanceOf(MigrationError);
    const d = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'd' AND table_schema = $1`, [db.schema]);
    expect(d.rows).toEqual([]);
    await db.ping();
  });
});
