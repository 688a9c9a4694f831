import { randomBytes } from 'node:crypto';
import { createLogger } from '@podkit/core';
import type { Logger } from '@podkit/core';
import sharp from 'sharp';
import type { ImagesSettings } from '../../src/images/app.ts';
import type { Database } from '../../src/shared/db/database.ts';
import { quoteIdent } from '../../src/shared/db/identifier.ts';
import { migrate } from '../../src/shared/db/migrate.ts';
import { openPglite } from '../../src/shared/db/pglite.ts';
import { openPostgres } from '../../src/shared/db/postgres.ts';
import { migrations } from '../../src/images/migrations.ts';

/** The backends every images test runs on: PGlite always, real PostgreSQL when DATABASE_URL is set. */
export const backends: ('pglite' | 'postgres')[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

/** A migrated images schema of its own, and a way to open more connections to it and drop it. */
export interface TestDb {
  readonly db: Database;
  readonly schema: string;
  /** Another pool on the same schema (PostgreSQL), or the same instance (PGlite: one connection). */
  connect(): Database;
  /** Empties every table, for the next test. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function truncate(db: Database): Promise<void> {
  await db.query('TRUNCATE images, variants, jobs RESTART IDENTITY CASCADE');
}

/** Opens a fresh, migrated images schema on the given backend. */
export async function openTestDb(kind: 'pglite' | 'postgres'): Promise<TestDb> {
  const schema = `images_test_${randomBytes(5).toString('hex')}`;
  if (kind === 'pglite') {
    const db = await openPglite({ schema });
    await migrate(db, migrations);
    return { db, schema, connect: () => db, reset: () => truncate(db), close: () => db.close() };
  }
  const url = process.env.DATABASE_URL!;
  const db = openPostgres({ url, schema, max: 4 });
  await migrate(db, migrations);
  const extra: Database[] = [];
  return {
    db,
    schema,
    connect() {
      const other = openPostgres({ url, schema, max: 4 });
      extra.push(other);
      return other;
    },
    reset: () => truncate(db),
    async close() {
      await Promise.all(extra.map((d) => d.close()));
      await db.query(`DROP SCHEMA ${quoteIdent(schema, 'test schema')} CASCADE`);
      await db.close();
    },
  };
}

/** A small test image with EXIF metadata, in the given format. */
export async function makeImage(
  format: 'jpeg' | 'png' | 'webp',
  width = 640,
  height = 480,
): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } })
    .withExif({ IFD0: { Copyright: 'podkit test', Artist: 'canary-artist' } })
    .toFormat(format)
    .toBuffer();
}

/** A logger that records what the worker logs (the calls a pino logger would get). */
export function recordingLogger(): {
  lines: { level: string; msg: string; obj: Record<string, unknown> }[];
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
} {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object, msg: string) => void lines.push({ level, msg, obj: obj as Record<string, unknown> });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Settings for tests: small widths, the worker as asked. */
export function testSettings(overrides: { maxBytes?: number; maxPixels?: number; worker?: boolean; delayMs?: number } = {}): ImagesSettings {
  return {
    images: {
      maxBytes: overrides.maxBytes ?? 1024 * 1024,
      maxPixels: overrides.maxPixels ?? 10_000_000,
      displayWidth: 400,
      thumbnailWidth: 120,
      quality: 80,
      processingDelay: overrides.delayMs ?? 0,
    },
    worker: { enabled: overrides.worker ?? true, concurrency: 1, pollInterval: 60_000, lease: 60_000, maxAttempts: 3 },
  };
}

/** A podkit logger whose JSON lines are kept, with a way to wait for a line (an event, not a sleep). */
export function logSink(): {
  logger: Logger;
  lines: Record<string, unknown>[];
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
} {
  const lines: Record<string, unknown>[] = [];
  const waiters: { predicate: (line: Record<string, unknown>) => boolean; resolve: (line: Record<string, unknown>) => void }[] = [];
  const logger = createLogger({
    service: { name: 'images', version: 'test' },
    level: 'info',
    destination: {
      write(chunk: string) {
        const line = JSON.parse(chunk) as Record<string, unknown>;
        lines.push(line);
        for (const w of [...waiters]) {
          if (w.predicate(line)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(line);
          }
        }
      },
    },
  });
  return {
    logger,
    lines,
    waitFor(predicate) {
      const seen = lines.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ predicate, resolve }));
    },
  };
}
