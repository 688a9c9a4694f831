import { isProblemError } from '@podkit/http';
import { afterAll, describe, expect, it } from 'vitest';
import { withInputErrors } from '../../src/shared/db/input-errors.ts';
import { migrate } from '../../src/shared/db/migrate.ts';
import { backends } from '../helpers/backends.ts';

describe.each(backends())('withInputErrors on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('turns a data exception (SQLSTATE class 22) into a 400 problem, and leaves other errors alone', async () => {
    const db = withInputErrors(await backend.openDatabase('input'));
    await migrate(db, [{ id: '001_t', sql: 'CREATE TABLE t (id uuid PRIMARY KEY, body text)' }]);
    const refused = [
      db.query('SELECT $1::uuid', ['------------------------------------']),
      db.query('INSERT INTO t VALUES ($1, $2)', ['3f1c2b9e-8d4a-4e6f-9b2c-7a1d0e5f4c3b', 'a\u0000b']),
      db.query('SELECT $1::timestamptz', ['2026-02-31T00:00:00Z']),
      db.transaction((tx) => tx.query('SELECT $1::int', ['99999999999'])),
    ];
    const errors = await Promise.all(refused.map((p) => p.then(() => undefined, (e: unknown) => e)));
    for (const err of errors) {
      expect(isProblemError(err), String(err)).toBe(true);
      expect((err as { problem: { status: number } }).problem.status).toBe(400);
    }
    const syntax: unknown = await db.query('SELEC 1').then(() => undefined, (e: unknown) => e);
    expect(isProblemError(syntax)).toBe(false);
    expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n).toBe(1);
  });
});
