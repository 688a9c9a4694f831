import pg from 'pg';
import { startPlatform, type Platform, type PlatformOptions } from '../../src/start.ts';
import { uniqueId } from './backends.ts';
import { NO_CONFIG_DIR } from './no-config.ts';

/** A platform started for a test file, isolated from every other run. */
export interface TestPlatform extends Platform {
  /** Suffix of this run's schemas and key prefixes. */
  readonly isolate: string;
  /** Stops every process and drops this run's schemas. */
  close(): Promise<void>;
}

/**
 * Starts the platform on ephemeral ports against the real PostgreSQL and Redis when
 * `DATABASE_URL`/`REDIS_URL` are set (own schemas and key prefixes), PGlite in memory and the
 * memory cache otherwise.
 */
export async function startTestPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const isolate = uniqueId();
  const platform = await startPlatform({
    ports: 'ephemeral',
    isolate,
    ...options,
    env: { LOG_LEVEL: 'info', PODKIT_CONFIG_DIR: NO_CONFIG_DIR, PODKIT_SECRETS_DIR: NO_CONFIG_DIR, ...options.env },
  });
  return Object.assign(platform, {
    isolate,
    async close() {
      await platform.stop('SIGTERM').catch(() => {});
      const url = process.env.DATABASE_URL;
      if (url === undefined || url === '') return;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`%\\_${isolate}`]);
        for (const r of rows) await client.query(`DROP SCHEMA IF EXISTS "${r.nspname}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  });
}

/**
 * Reads one sample of a Prometheus text exposition (sums matching series when labels are
 * partial) from a service's admin base URL (`platform.adminUrls.posts`).
 */
export async function metricValue(adminUrl: string, name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await (await fetch(`${adminUrl}/metrics`)).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Parsed JSON log lines of one process (non-JSON lines skipped). */
export function jsonLines(lines: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const line of lines) {
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  }
  return out;
}
