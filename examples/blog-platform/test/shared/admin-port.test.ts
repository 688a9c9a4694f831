import { spawn } from 'node:child_process';
import { isConfigError } from '@podkit/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PATHS, withoutAdminPaths } from '../../src/shared/http/admin-paths.ts';
import { SERVICE_NAMES } from '../../src/platform/services.ts';
import { loadServiceConfig } from '../../deploy/render/schemas.ts';
import { listen, type TestServer } from '../helpers/http.ts';

const noFiles = { configDir: false, secretsDir: false, envFile: false } as const;

describe('withoutAdminPaths (the public listener of every service)', () => {
  let server: TestServer;
  const seen: string[] = [];

  beforeAll(async () => {
    server = await listen(
      withoutAdminPaths((req, res) => {
        seen.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<!doctype html>'); // a catch-all, like the gateway's SPA fallback
      }),
    );
  });
  afterAll(() => server.close());

  it('answers a 404 problem for each admin path, with or without a query, for any method', async () => {
    for (const p of ADMIN_PATHS) {
      for (const [method, url] of [['GET', p], ['GET', `${p}?x=1`], ['POST', p], ['DELETE', `${p}?`]] as const) {
        const res = await fetch(`${server.url}${url}`, { method });
        const body = (await res.json()) as { status: number; detail: string };
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(body).toMatchObject({ status: 404, detail: `${p} is not served on this port` });
      }
    }
    expect(seen).toEqual([]);
  });

  it('passes every other path to the application, including look-alikes', async () => {
    const paths = ['/', '/api/posts', '/api/posts/metrics', '/healthz', '/metrics2', '/ready/', '/startup/x', '/assets/app.js', '/r', '/m?x'];
    for (const p of paths) {
      const res = await fetch(`${server.url}${p}`);
      await res.body?.cancel();
      expect(res.status, p).toBe(200);
    }
    expect(seen).toEqual(paths);
  });
});

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
    env: { PATH: process.env.PATH, PORT: '9311', ADMIN_PORT: '9311', PODKIT_CONFIG_DIR: '/nonexistent', PODKIT_SECRETS_DIR: '/nonexistent' },
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
  expect(stdout).not.toContain('service listening');
});
