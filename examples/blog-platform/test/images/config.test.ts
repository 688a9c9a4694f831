import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isConfigError } from '@podkit/config';
import { afterEach, describe, expect, it } from 'vitest';
import { imagesConfig } from '../../src/images/config.ts';

const dirs: string[] = [];
async function dir(files: Record<string, string>): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'images-config-'));
  dirs.push(d);
  for (const [name, value] of Object.entries(files)) await writeFile(path.join(d, name), value);
  return d;
}
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const noFiles = { configDir: false, secretsDir: false, envFile: false } as const;

describe('images config', () => {
  it('has defaults that run with nothing set', () => {
    const config = imagesConfig.load({ env: {}, ...noFiles });
    expect(config.port).toBe(8084);
    expect(config.database.url).toBeUndefined();
    expect(config.database.schema).toBe('images');
    expect(config.images).toMatchObject({ maxBytes: 10 * 1024 * 1024, displayWidth: 1280, thumbnailWidth: 320, processingDelay: 0 });
    expect(config.worker).toMatchObject({ enabled: true, concurrency: 1, pollInterval: 1000, lease: 60_000, maxAttempts: 3 });
  });

  it('reads env vars, ConfigMap keys and the database-password Secret', async () => {
    const configDir = await dir({ 'images.thumbnail-width': '200', 'worker.poll-interval': '250ms', 'log.level': 'debug' });
    const secretsDir = await dir({ 'database-password': 's3cret-canary' });
    const config = imagesConfig.load({
      env: { PORT: '9000', IMAGES_MAX_BYTES: '2048', 'worker.concurrency': '2', DATABASE_URL: 'postgres://db/x', AUTH_URL: 'http://a:1,http://a:2' },
      configDir,
      secretsDir,
      envFile: false,
    });
    expect(config.port).toBe(9000);
    expect(config.images.maxBytes).toBe(2048);
    expect(config.images.thumbnailWidth).toBe(200);
    expect(config.worker).toMatchObject({ concurrency: 2, pollInterval: 250 });
    expect(config.log.level).toBe('debug');
    expect(config.database.url).toBe('postgres://db/x');
    expect(config.auth.url).toBe('http://a:1,http://a:2');
    expect(config.database.password).toBe('s3cret-canary');
    expect(JSON.stringify(config)).not.toContain('s3cret-canary');
  });

  it('refuses bad values naming every key and its source', () => {
    let error: unknown;
    try {
      imagesConfig.load({ env: { IMAGES_MAX_BYTES: 'lots', WORKER_POLL_INTERVAL: 'soon', WORKER_ENABLED: 'fals' }, ...noFiles });
    } catch (err) {
      error = err;
    }
    expect(isConfigError(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('IMAGES_MAX_BYTES');
    expect(message).toContain('WORKER_POLL_INTERVAL');
    expect(message).toContain('WORKER_ENABLED');
  });
});
