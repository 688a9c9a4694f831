/**
 * The shared embedded PostgreSQL of `npm start` (PGlite behind the wire protocol): several `pg`
 * clients share ONE PGlite session, so the bridge must keep them apart the way separate backends
 * would: their search_path, their extended-protocol batches, their transactions, their LISTENs.
 */
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { searchPathOf, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/platform/embedded-postgres.ts';

describe('embedded PostgreSQL shared by several clients', () => {
  let db: EmbeddedPostgres;
  let a: pg.Pool;
  let b: pg.Pool;
  beforeAll(async () => {
    db = await startEmbeddedPostgres();
    a = new pg.Pool({ connectionString: db.url, options: '-c search_path="svc_a"', max: 4 });
    b = new pg.Pool({ connectionString: db.url, options: '-c search_path="svc_b"', max: 4 });
    await a.query('CREATE SCHEMA svc_a; CREATE TABLE svc_a.items (v int NOT NULL)');
    await b.query('CREATE SCHEMA svc_b; CREATE TABLE svc_b.items (v text NOT NULL)');
  });
  afterAll(async () => {
    await a.end();
    await b.end();
    await db.close();
  });

  it('keeps each client on its own search_path while their parameterized statements interleave', async () => {
    // 200 concurrent Parse/Bind/Execute batches from 8 connections: one interleaved message would
    // bind a text into the int table (or the other way round) and fail
    await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a.query('INSERT INTO items VALUES ($1)', [i]) : b.query('INSERT INTO items VALUES ($1)', [`t${String(i)}`]))));
    expect((await a.query<{ n: string }>('SELECT count(*) AS n FROM items')).rows[0]!.n).toBe('100');
    expect((await b.query<{ n: string }>('SELECT min(v) AS m, count(*) AS n FROM items')).rows[0]!.n).toBe('100');
  });

  it('runs only the open transaction\'s statements until it ends, and other clients never see its rows', async () => {
    const tx = await a.connect();
    try {
      await tx.query('BEGIN');
      await tx.query('INSERT INTO items VALUES (-1)');
      const outside = b.query<{ n: string }>('SELECT count(*) AS n FROM svc_a.items WHERE v = -1'); // queued behind the transaction
      await tx.query('INSERT INTO items VALUES (-2)');
      await tx.query('ROLLBACK');
      expect((await outside).rows[0]!.n).toBe('0');
    } finally {
      tx.release();
    }
    expect((await a.query<{ n: string }>('SELECT count(*) AS n FROM items WHERE v < 0')).rows[0]!.n).toBe('0');
  });

  it('rolls back the transaction of a client that disconnects inside it, and serves the others', async () => {
    const c = new pg.Client({ connectionString: db.url, options: '-c search_path="svc_a"' });
    await c.connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO items VALUES (-3)');
    c.on('error', () => {}); // "Connection terminated unexpectedly": the point of the test
    const closed = new Promise((resolve) => c.once('end', resolve));
    (c as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await closed;
    expect((await b.query<{ n: string }>('SELECT count(*) AS n FROM svc_a.items WHERE v = -3')).rows[0]!.n).toBe('0');
  });

  it('answers a failed statement with its SQLSTATE and keeps the connection usable', async () => {
    await expect(a.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    expect((await a.query<{ one: number }>('SELECT 1 AS one')).rows[0]!.one).toBe(1);
  });

  it('delivers NOTIFY to the client that LISTENs, not to the client that notified', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      const got = new Promise<string>((resolve) => listener.on('notification', (n) => resolve(`${n.channel}:${n.payload ?? ''}`)));
      await listener.query('LISTEN jobs');
      const notifier = await a.connect();
      let strays = 0;
      notifier.on('notification', () => strays++);
      try {
        await notifier.query("SELECT pg_notify('jobs', 'image-1')");
      } finally {
        notifier.release();
      }
      expect(await got).toBe('jobs:image-1');
      expect(strays).toBe(0);
    } finally {
      await listener.end();
    }
  });

  it('runs each Parse/Bind/Execute/Sync unit as ONE PGlite call, never through execProtocolRaw (it keeps every answer)', async () => {
    const c = new pg.Client({ connectionString: db.url, options: '-c search_path="svc_a"' });
    await c.connect();
    try {
      await c.query('SELECT count(*) FROM items WHERE v > $1', [0]); // search_path set, statement prepared
      const raw = vi.spyOn(PGlite.prototype, 'execProtocolRaw');
      const stream = vi.spyOn(PGlite.prototype, 'execProtocolRawStream');
      try {
        for (let i = 0; i < 20; i++) await c.query('SELECT count(*) FROM items WHERE v > $1', [i]);
        expect(raw).not.toHaveBeenCalled();
        expect(stream).toHaveBeenCalledTimes(20);
      } finally {
        raw.mockRestore();
        stream.mockRestore();
      }
    } finally {
      await c.end();
    }
  });

  it('re-prepares cached statements after DDL, so a changed row type is seen, not refused', async () => {
    await a.query('CREATE TABLE shapes (id int PRIMARY KEY)');
    await a.query('INSERT INTO shapes VALUES (1)');
    // more than five runs: PostgreSQL may switch a prepared statement to its generic plan
    for (let i = 0; i < 7; i++) expect((await a.query('SELECT * FROM shapes WHERE id = $1', [1])).rows).toEqual([{ id: 1 }]);
    await a.query("ALTER TABLE shapes ADD COLUMN name text NOT NULL DEFAULT 'circle'");
    expect((await a.query('SELECT * FROM shapes WHERE id = $1', [1])).rows).toEqual([{ id: 1, name: 'circle' }]);
  });

  it('answers a statement that fails at Parse or Bind with its error, and runs the same text fine afterwards', async () => {
    await expect(a.query('SELEC 1 WHERE $1::int > 0', [1])).rejects.toMatchObject({ code: '42601' });
    await expect(a.query('SELECT $1::int AS n', ['x'])).rejects.toMatchObject({ code: '22P02' });
    expect((await a.query<{ n: number }>('SELECT $1::int AS n', ['7'])).rows[0]!.n).toBe(7);
    // inside a transaction: the error aborts it as on PostgreSQL, ROLLBACK ends it, the pool goes on
    const tx = await a.connect();
    try {
      await tx.query('BEGIN');
      await expect(tx.query('SELECT $1::int AS n', ['y'])).rejects.toMatchObject({ code: '22P02' });
      await expect(tx.query('SELECT $1::int AS n', ['8'])).rejects.toMatchObject({ code: '25P02' });
      await tx.query('ROLLBACK');
      expect((await tx.query<{ n: number }>('SELECT $1::int AS n', ['9'])).rows[0]!.n).toBe(9);
    } finally {
      tx.release();
    }
  });

  it('reads the search_path from the startup options the way PostgreSQL does', () => {
    expect(searchPathOf('-c search_path="posts_x"')).toBe('"posts_x"');
    expect(searchPathOf('--search_path=a,b')).toBe('a,b');
    expect(searchPathOf('-c statement_timeout=5s')).toBeUndefined();
    expect(searchPathOf(undefined)).toBeUndefined();
  });
});
