import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { secretValues } from '@podkit/config';
import { createLogger } from '@podkit/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { spawnService, type ServiceProcess } from '../../src/platform/child.ts';
import { entryOf } from '../../src/platform/services.ts';
import { jsonLines } from '../helpers/platform.ts';

/**
 * What a service prints about its configuration at startup, checked on a real gateway process:
 * as `npm start` runs it (no PODKIT_* variables, nothing at /etc/config), in a pod
 * (KUBERNETES_SERVICE_HOST set) and with a mistyped mount path.
 */
const machineHasMounts = existsSync('/etc/config') || existsSync('/etc/secrets');

/** The env `npm start` gives a service: this process's env without pod or podkit settings. */
function localEnv(extra: Record<string, string>): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(PODKIT_|KUBERNETES_)/.test(name) && !['LOG_LEVEL', 'DATABASE_URL', 'REDIS_URL'].includes(name)) env[name] = value;
  }
  return { ...env, PORT: '0', ...extra };
}

const running: ServiceProcess[] = [];
afterEach(async () => {
  for (const proc of running.splice(0)) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
});

async function startGateway(env: Record<string, string | undefined>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const proc = await spawnService({ id: 'gateway', service: 'gateway', env, onLine: (line) => lines.push(line) });
  running.push(proc);
  await proc.ready;
  // log lines are buffered (written within 100 ms): wait for the listening line, written after
  // every startup line, before reading what was or was not logged
  await vi.waitFor(() => expect(jsonLines(lines).some((l) => l.msg === 'http server listening')).toBe(true), { timeout: 5000 });
  return jsonLines(lines);
}

describe.skipIf(machineHasMounts)('startup configuration output of a service', () => {
  it('locally (as npm start runs it): no reload warnings', async () => {
    const logs = await startGateway(localEnv({}));
    expect(logs.some((l) => l.msg === 'configuration loaded')).toBe(true);
    expect(logs.filter((l) => String(l.msg).includes('reloadable but'))).toEqual([]);
  });

  it('URL passwords (DATABASE_URL, REDIS_URL) are masked in "configuration loaded" and in no line at all', async () => {
    const canary = `CANARY${randomBytes(6).toString('hex')}`;
    const lines: string[] = [];
    // nothing listens on port 1: the service gets as far as listening, its database never opens
    const env = localEnv({ DATABASE_URL: `postgres://blog:${canary}db@127.0.0.1:1/blog`, REDIS_URL: `redis://:${canary}redis@127.0.0.1:1/0` });
    const proc = await spawnService({ id: 'posts', service: 'posts', env, onLine: (line) => lines.push(line) });
    running.push(proc);
    proc.ready.catch(() => {}); // it never becomes ready; killed after the check
    const loaded = jsonLines(lines).find((l) => l.msg === 'configuration loaded');
    expect(loaded?.config).toMatchObject({
      database: { url: 'postgres://blog:[redacted]@127.0.0.1:1/blog' },
      redis: { url: 'redis://:[redacted]@127.0.0.1:1/0' },
    });
    expect(lines.join('\n')).not.toContain(canary);
  });

  it('a url() field hands its password to the logger: the raw URL logged by code is masked too', async () => {
    const { postsConfig } = await import('../../src/posts/config.ts');
    const canary = `CANARY${randomBytes(6).toString('hex')}`;
    const config = postsConfig.load({ env: { DATABASE_URL: `postgres://blog:${canary}@db/blog` }, configDir: false, secretsDir: false, envFile: false });
    const written: string[] = [];
    const logger = createLogger({
      service: { name: 'posts', version: '1' },
      destination: { write: (line: string) => void written.push(line) },
      redactValues: () => secretValues(config),
    });
    logger.error({ err: { message: `could not connect to ${config.database.url ?? ''}` } }, 'database down');
    expect(written.join('')).toContain('postgres://blog:[redacted]@db/blog');
    expect(written.join('')).not.toContain(canary);
  });

  it('in a pod with no ConfigMap mounted the reload warning is still logged', async () => {
    const logs = await startGateway(localEnv({ KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }));
    const warnings = logs.filter((l) => String(l.msg).includes('reloadable but')).map((l) => l.msg);
    expect(warnings).toEqual(['log.level is reloadable but no watched ConfigMap or Secret directory exists to provide it; it can never change']);
  });

  it('a WEB_DIR naming a missing directory stops the gateway with a line naming it (only the default build may be absent)', async () => {
    const lines: string[] = [];
    const proc = await spawnService({ id: 'gateway', service: 'gateway', env: localEnv({ WEB_DIR: '/nonexistent/web-dist' }), onLine: (line) => lines.push(line) });
    running.push(proc);
    await expect(proc.ready).rejects.toThrow();
    expect(await proc.exited).toBe(1);
    const fatal = jsonLines(lines).find((l) => l.msg === 'startup failed');
    expect(JSON.stringify(fatal)).toContain('web.dir /nonexistent/web-dist (env WEB_DIR) is not a directory');
  });

  it('a mistyped PODKIT_CONFIG_DIR stops the service with exit 78 and one line naming it', async () => {
    const child = spawn(process.execPath, ['--conditions=@podkit/source', entryOf('gateway')], {
      env: localEnv({ PODKIT_CONFIG_DIR: '/etc/confg' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, stdout, stderr }).toEqual({
      code: 78,
      stdout: '',
      stderr:
        'gateway: ConfigMap directory /etc/confg (named by env PODKIT_CONFIG_DIR="/etc/confg") does not exist; ' +
        'fix the path or mount the volume there (only the default /etc/config may be absent) (ERR_PODKIT_CONFIG_DIRECTORY)\n',
    });
  });
});
