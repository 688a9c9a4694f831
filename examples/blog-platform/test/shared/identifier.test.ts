/**
 * A schema name reaches SQL text (CREATE SCHEMA, SET search_path, the `options` of every pg
 * connection): it is validated as an identifier first, on every path, and the error names where
 * the value came from.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/shared/db/migrate.ts';
import { InvalidIdentifierError, quoteIdent, quoteIdentifier } from '../../src/shared/db/identifier.ts';
import { openPglite } from '../../src/shared/db/pglite.ts';
import { openPostgres } from '../../src/shared/db/postgres.ts';
import { uniqueId } from '../helpers/backends.ts';

const HOSTILE = ['public; DROP TABLE victim', 'x"; DROP TABLE victim; --', 'Posts', '1posts', '', 'a'.repeat(64), 'posts\u0000'];

describe('schema names as SQL identifiers', () => {
  it('quotes as PostgreSQL does: double quotes, an inner quote doubled', () => {
    expect(quoteIdentifier('posts')).toBe('"posts"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteIdent('posts_1', 'test')).toBe('"posts_1"');
  });

  it('refuses anything but a plain lower-case name, naming the source and the value', () => {
    for (const bad of HOSTILE) expect(() => quoteIdent(bad, 'test'), bad).toThrow(InvalidIdentifierError);
    expect(() => quoteIdent('public; DROP TABLE victim', 'config database.schema')).toThrow(
      expect.objectContaining({
        code: 'ERR_INVALID_SQL_IDENTIFIER',
        source: 'config database.schema',
        value: 'public; DROP TABLE victim',
        message: 'invalid SQL identifier "public; DROP TABLE victim" (config database.schema): use lower-case letters, digits and _ (at most 63, not starting with a digit)',
      }),
    );
  });

  it('openPglite and openPostgres refuse a hostile schema before any SQL', async () => {
    for (const bad of HOSTILE) {
      await expect(openPglite({ schema: bad }), bad).rejects.toMatchObject({ code: 'ERR_INVALID_SQL_IDENTIFIER', source: 'openPglite option schema' });
      // the pool is never made: nothing connects, so any URL will do
      expect(() => openPostgres({ url: 'postgres://nobody@127.0.0.1:1/none', schema: bad }), bad).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_SQL_IDENTIFIER', source: 'openPostgres option schema' }),
      );
    }
  });

  it('migrate refuses a hostile schema on PGlite before any SQL', async () => {
    const db = await openPglite({ schema: `idtest_${uniqueId()}` });
    try {
      await db.query('CREATE TABLE public.victim (v int)');
      await expect(migrate({ ...db, schema: 'public; DROP TABLE victim' }, [])).rejects.toMatchObject({
        code: 'ERR_INVALID_SQL_IDENTIFIER',
        source: "migrate: the pglite database's schema",
      });
      expect((await db.query<{ t: string | null }>(`SELECT to_regclass('public.victim')::text AS t`)).rows[0]!.t).not.toBeNull();
    } finally {
      await db.close();
    }
  });
});

const databaseUrl = process.env.DATABASE_URL;

describe.skipIf(databaseUrl === undefined)('on PostgreSQL', () => {
  const table = `victim_${uniqueId()}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  afterAll(async () => {
    await admin.query(`DROP TABLE IF EXISTS public.${table}`);
    await admin.end();
  });

  it('migrate refuses a hostile schema and the table it names survives', async () => {
    await admin.connect();
    await admin.query(`CREATE TABLE public.${table} (v int)`);
    const db = openPostgres({ url: databaseUrl!, schema: `idtest_${uniqueId()}` });
    try {
      await expect(migrate({ ...db, schema: `public; DROP TABLE public.${table}` }, [])).rejects.toMatchObject({
        code: 'ERR_INVALID_SQL_IDENTIFIER',
        source: "migrate: the postgres database's schema",
      });
    } finally {
      await db.close();
    }
    expect((await admin.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`public.${table}`])).rows[0]!.t).not.toBeNull();
  });
});
