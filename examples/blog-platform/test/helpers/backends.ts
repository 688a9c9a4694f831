import { randomBytes } from 'node:crypto';
import type { Cache } from '../../src/shared/cache/cache.ts';
import { createMemoryCache } from '../../src/shared/cache/memory.ts';
import { openRedisCache } from '../../src/shared/cache/redis.ts';
import type { Database } from '../../src/shared/db/database.ts';
import { openPglite } from '../../src/shared/db/pglite.ts';
import { openPostgres } from '../../src/shared/db/postgres.ts';

/** One data backend a test runs against. */
export interface Backend {
  readonly name: string;
  /** Opens a database in a fresh, unique schema; dropped by `cleanup`. */
  openDatabase(service: string): Promise<Database>;
  /** Opens a cache with a fresh, unique key prefix. */
  openCache(): Promise<Cache>;
  /** Drops what this backend created. */
  cleanup(): Promise<void>;
}

/** A unique suffix for schema names and key prefixes of one test run. */
export function uniqueId(): string {
  return `${process.pid}_${randomBytes(4).toString('hex')}`;
}

function pgliteBackend(): Backend {
  const dbs: Database[] = [];
  const caches: Cache[] = [];
  return {
    name: 'pglite+memory',
    async openDatabase(service) {
      const db = await openPglite({ schema: `${service}_${uniqueId()}` });
      dbs.push(db);
      return db;
    },
    openCache() {
      const c = createMemoryCache({ prefix: `t${uniqueId()}:` });
      caches.push(c);
      return Promise.resolve(c);
    },
    async cleanup() {
      await Promise.all([...dbs.map((d) => d.close()), ...caches.map((c) => c.close())]);
    },
  };
}

function realBackend(databaseUrl: string, redisUrl: string): Backend {
  const dbs: Database[] = [];
  const caches: { cache: Cache; prefix: string }[] = [];
  return {
    name: 'postgres+redis',
    openDatabase(service) {
      const db = openPostgres({ url: databaseUrl, schema: `${service}_${uniqueId()}` });
      dbs.push(db);
      return Promise.resolve(db);
    },
    async openCache() {
      const prefix = `podkit-test:${uniqueId()}:`;
      const cache = await openRedisCache({ url: redisUrl, prefix });
      caches.push({ cache, prefix });
      return cache;
    },
    async cleanup() {
      for (const db of dbs) {
        await db.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`).catch(() => {});
        await db.close();
      }
      for (const { cache } of caches) await cache.close();
      // keys carry TTLs; rate-limit windows expire by themselves
    },
  };
}

/**
 * The backends to run data tests against: PGlite + memory always; the real PostgreSQL + Redis
 * too when `DATABASE_URL` and `REDIS_URL` are set (CI sets both).
 */
export function backends(): Backend[] {
  const list = [pgliteBackend()];
  const db = process.env.DATABASE_URL;
  const redis = process.env.REDIS_URL;
  if (db !== undefined && db !== '' && redis !== undefined && redis !== '') list.push(realBackend(db, redis));
  return list;
}
