import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { ConfigValidationError, EXIT_CONFIG, loadConfigOrExit, secret } from '@podkit/config';
import { tempDir } from './helpers/tmp.ts';

const schema = z.object({ port: z.number().int(), token: secret(z.string().min(20)) });
const options = { configDir: false, secretsDir: false, envFile: false } as const;

test('loadConfigOrExit writes only the message to stderr and exits 78', () => {
  const written: string[] = [];
  const exits: number[] = [];
  expect(() =>
    loadConfigOrExit(schema, {
      ...options,
      env: { PORT: 'fals', TOKEN: 'short-secret' },
      stderr: { write: (text: string) => written.push(text) },
      exit: (code) => exits.push(code),
    }),
  ).toThrow(ConfigValidationError);
  expect(exits).toEqual([EXIT_CONFIG]);
  expect(written).toEqual([
    'Invalid configuration (2 problems):\n' +
      '  - port: expected an integer, received "fals" (env PORT)\n' +
      '  - token: expected string to have >=20 characters, received [redacted] (env TOKEN)\n',
  ]);
});

test('loadConfigOrExit returns the config when valid, honours exitCode, and rethrows bugs', () => {
  const exit = (code: number): void => {
    throw new Error(`exit ${code}`);
  };
  const stderr = { write: () => true };
  expect(loadConfigOrExit(schema, { ...options, env: { PORT: '1', TOKEN: 'x'.repeat(20) }, exit, stderr }).port).toBe(1);
  expect(() => loadConfigOrExit(schema, { ...options, env: {}, exit, stderr, exitCode: 2 })).toThrow('exit 2');
  const buggy = z.object({ a: z.string().transform(() => { throw new RangeError('bug'); }) });
  expect(() => loadConfigOrExit(buggy, { ...options, env: { A: 'x' }, exit, stderr })).toThrow(RangeError);
});

interface Run { code: number | null; stdout: string; stderr: string }
function run(script: string, env: Record<string, string>, cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@podkit/source', join(import.meta.dirname, 'fixtures', script)], {
      cwd,
      // named (so must exist) and empty: nothing read from the machine's /etc/config or /etc/secrets
      env: { PATH: process.env['PATH'] ?? '', PODKIT_CONFIG_DIR: cwd, PODKIT_SECRETS_DIR: cwd, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('a real service with invalid config exits non-zero with the message alone on stderr, no stack', async () => {
  const cwd = tempDir();
  const result = await run('service.ts', { DATABASE_PORT: 'fals', API_KEY: 'short-secret-value' }, cwd);
  expect(result).toEqual({
    code: EXIT_CONFIG,
    stdout: '',
    stderr:
      'Invalid configuration (3 problems):\n' +
      '  - database.host: required but not set (set env DATABASE_HOST, or ConfigMap key database.host)\n' +
      '  - database.port: expected an integer, received "fals" (env DATABASE_PORT)\n' +
      '  - apiKey: expected string to have >=20 characters, received [redacted] (env API_KEY)\n',
  });
  expect(result.stderr).not.toMatch(/^\s+at /m);
}, 30_000);

test('the same service starts with valid config from a .env file', async () => {
  const cwd = tempDir({ '.env': 'DATABASE_HOST=localhost\nDATABASE_PORT=5432\nAPI_KEY=0123456789abcdefghij\n' });
  expect(await run('service.ts', {}, cwd)).toEqual({ code: 0, stdout: 'started with localhost:5432\n', stderr: '' });
}, 30_000);

test('a watcher never keeps the process alive', async () => {
  const dir = tempDir({ name: 'x' });
  const result = await run('watch-exits.ts', { WATCH_DIR: dir }, dir);
  expect(result).toEqual({ code: 0, stdout: `watching ${dir}\n`, stderr: '' });
}, 30_000);
