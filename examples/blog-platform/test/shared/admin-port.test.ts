import { spawn } from 'node:child_process';
import { isConfigError } from '@podkit/config';
import { describe, expect, it } from 'vitest';
import { SERVICE_NAMES } from '../../src/platform/services.ts';
import { loadServiceConfig } from '../../deploy/render/schemas.ts';
import { NO_CONFIG_DIR } from '../helpers/no-config.ts';

const noFiles = { configDir: false, secretsDir: false, envFile: false } as const;

describe.each(SERVICE_NAMES)('%s config: the admin port', (name) => {
  it('defaults to its own port, different from the public one', async () => {
    const config = (await loadServiceConfig(name)).load({ env: {}, ...noFiles }) as { port: number; admin: { port: number } };
    expect(config.admin.port).toBe(config.port + 1000);
  });

  it('rejects ADMIN_PORT equal to PORT with the key, the source and the reason', async () => {
    const definition = await loadServiceConfig(name);
    const result = definition.safeLoad({ env: { PORT: '9000', ADMIN_PORT: '9000' }, ...noFiles });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(isConfigError(result.error)).toBe(true);
    expect(result.error.message).toContain('admin.port: must differ from port (9000)');
    expect(result.error.message).toContain('(env ADMIN_PORT)');
  });

  it('accepts 0 for both (each gets its own free port)', async () => {
    const config = (await loadServiceConfig(name)).load({ env: { PORT: '0', ADMIN_PORT: '0' }, ...noFiles }) as { admin: { port: number } };
    expect(config.admin.port).toBe(0);
  });
});

it('a service started with ADMIN_PORT = PORT exits 78 with a clear error naming the key and its source, before listening', async () => {
  const child = spawn(process.execPath, ['--conditions=@podkit/source', 'src/service.ts', 'posts'], {
    cwd: new URL('../..', import.meta.url),
    env: { PATH: process.env.PATH, PORT: '9311', ADMIN_PORT: '9311', PODKIT_CONFIG_DIR: NO_CONFIG_DIR, PODKIT_SECRETS_DIR: NO_CONFIG_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  expect(code, stderr).toBe(78);
  expect(stderr).toContain('admin.port: must differ from port (9311)');
  expect(stderr).toContain('ADMIN_PORT');
  expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(stdout).not.toContain('http server listening');
});
