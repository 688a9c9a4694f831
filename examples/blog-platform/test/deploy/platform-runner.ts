/**
 * Starts the whole platform for the live scrape check through the platform lead's
 * `startPlatform` (one process per service, ephemeral ports) on embedded defaults (PGlite in
 * memory, in-memory cache), so the check needs nothing installed and leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import { startPlatform } from '../../src/platform/platform.ts';
import type { ServiceName } from '../../deploy/platform.ts';

/** The running platform: one base URL per service. */
export interface RunningPlatform {
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** One admin base URL per service (probes and /metrics). */
  readonly adminUrls: Readonly<Record<ServiceName, string>>;
  readonly logs: Readonly<Record<string, string[]>>;
  close(): Promise<void>;
}

/** Starts all five services; rejects if one is missing or does not become ready. */
export async function startPlatformForScrape(): Promise<RunningPlatform> {
  const platform = await startPlatform({
    ports: 'ephemeral',
    isolate: `scrape${randomBytes(3).toString('hex')}`,
    // undefined drops the parent's value (an empty string is not a URL: database.url is a url() field)
    env: { DATABASE_URL: undefined, REDIS_URL: undefined, LOG_LEVEL: 'warn' },
  });
  const urls = platform.urls;
  for (const name of ['gateway', 'auth', 'posts', 'comments', 'images'] as const) {
    if (urls[name] === undefined) {
      await platform.stop();
      throw new Error(`startPlatform did not start ${name}`);
    }
  }
  return { urls: urls as Record<ServiceName, string>, adminUrls: platform.adminUrls as Record<ServiceName, string>, logs: platform.logs, close: () => platform.stop() };
}
