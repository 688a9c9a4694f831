/**
 * A client's startup `options` reach SQL text in the embedded PostgreSQL bridge
 * (`SET search_path TO ...`), and PGlite runs every statement of a simple query: a hostile
 * search_path must be refused (or quoted into a harmless identifier), never run.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchPathOf, searchPathSql, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';
import { InvalidIdentifierError } from '../../src/shared/db/identifier.ts';

describe('searchPathSql', () => {
  it('re-quotes every element as an identifier, folding plain names to lower case', () => {
    expect(searchPathSql('svc_a')).toBe('"svc_a"');
    expect(searchPathSql('"svc_a"')).toBe('"svc_a"');
    expect(searchPathSql('Svc_A, public')).toBe('"svc_a", "public"');
    expect(searchPathSql('"$user", public')).toBe('"$user", "public"');
    expect(searchPathSql('$user,public')).toBe('"$user", "public"');
    expect(searchPathSql('"My Schema","a,b"')).toBe('"My Schema", "a,b"');
    // a quote inside a quoted name stays inside it: one harmless identifier
    expect(searchPathSql('"x"";DROP TABLE victim;--"')).toBe('"x"";DROP TABLE victim;--"');
  });

  it('refuses anything that is not a list of identifiers, naming the source and the value', () => {
    for (const bad of [
      'public; DROP TABLE x',
      'public;DROP',
      'a b',
      '"unterminated',
      'x"',
      '"a"b',
      '"a"b"',
      '""',
      '',
      'a,,b',
      'a,',
      ',a',
      "'public'",
      '1abc',
      'public)--',
    ]) {
      expect(() => searchPathSql(bad), bad).toThrow(InvalidIdentifierError);
    }
    expect(() => searchPathSql('public; DROP TABLE x')).toThrow(
      'invalid SQL identifier "public; DROP TABLE x" (search_path in the startup options): expected a comma-separated list of identifiers',
    );
  });

  it('takes the last search_path of the options, as PostgreSQL does', () => {
    expect(searchPathOf('-c search_path=a -c search_path=b')).toBe('b');
    expect(searchPathOf(String.raw`-c search_path=public;DROP\ TABLE\ x`)).toBe('public;DROP TABLE x');
  });
});

describe('embedded PostgreSQL refuses a hostile startup search_path', () => {
  let db: EmbeddedPostgres;
  let admin: pg.Client;
  beforeAll(async () => {
    db = await startEmbeddedPostgres();
    admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query('CREATE TABLE public.victim (v int)');
  });
  afterAll(async () => {
    await admin.end();
    await db.close();
  });

  async function victimExists(): Promise<boolean> {
    return (await admin.query<{ t: string | null }>(`SELECT to_regclass('public.victim')::text AS t`)).rows[0]!.t !== null;
  }

  it('answers a statement smuggled into search_path with a FATAL 22023 and runs nothing', async () => {
    for (const options of [String.raw`-c search_path=public;DROP\ TABLE\ victim`, String.raw`-c search_path="x;DROP\ TABLE\ victim`, '--search_path=public;DROP']) {
      const client = new pg.Client({ connectionString: db.url, options });
      client.on('error', () => {});
      const err = await client.connect().then(
        async () => {
          await client.query('SELECT 1'); // what would have set the search_path, and run the rest
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(err, options).toMatchObject({ code: '22023', severity: 'FATAL' });
      expect((err as Error).message).toContain('(search_path in the startup options)');
      await client.end().catch(() => {});
      expect(await victimExists(), options).toBe(true);
    }
  });

  it('keeps a quote inside a quoted name inside one identifier', async () => {
    const client = new pg.Client({ connectionString: db.url, options: String.raw`-c search_path="x"";DROP\ TABLE\ victim;--"` });
    await client.connect();
    try {
      expect((await client.query<{ search_path: string }>('SHOW search_path')).rows[0]!.search_path).toBe('"x"";DROP TABLE victim;--"');
    } finally {
      await client.end();
    }
    expect(await victimExists()).toBe(true);
  });
});
