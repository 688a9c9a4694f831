import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { z } from 'zod';
import {
  ConfigDirectoryError,
  defineConfig,
  EXIT_CONFIG,
  isConfigError,
  loadConfigOrExit,
  reloadable,
  watchConfig,
  type ConfigError,
} from '@podkit/config';
import { resolveLoadOptions } from '../src/options.ts';
import { checkMounts } from '../src/sources/mount-check.ts';
import { KubeletVolume } from '@podkit/testing';
import { tempDir } from './helpers/tmp.ts';

const definition = defineConfig(
  z.object({
    host: z.string().default('localhost'),
    log: z.object({ level: reloadable(z.enum(['debug', 'info']).default('info')) }),
  }),
);

function thrown(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('a ConfigMap directory named by PODKIT_CONFIG_DIR that does not exist is an error naming the env var and the path', () => {
  const root = tempDir();
  const error = thrown(() => definition.load({ env: { PODKIT_CONFIG_DIR: join(root, 'confg') }, secretsDir: false, envFile: false }));
  expect(error).toBeInstanceOf(ConfigDirectoryError);
  expect(error.code).toBe('ERR_PODKIT_CONFIG_DIRECTORY');
  expect(error.message).toBe(
    `ConfigMap directory ${join(root, 'confg')} (named by env PODKIT_CONFIG_DIR=${JSON.stringify(join(root, 'confg'))}) does not exist; ` +
      'fix the path or mount the volume there (only the default /etc/config may be absent)',
  );
  expect(error).toMatchObject({ source: 'config-map', path: join(root, 'confg'), reason: 'does not exist' });
  // safeLoad returns it, with the problem as an issue like any other load error
  const result = definition.safeLoad({ env: { PODKIT_CONFIG_DIR: join(root, 'confg') }, secretsDir: false, envFile: false });
  expect(!result.ok && result.error).toBeInstanceOf(ConfigDirectoryError);
  expect(!result.ok && result.error.issues[0]).toMatchObject({ key: 'PODKIT_CONFIG_DIR', kind: 'missing', location: join(root, 'confg') });
});

test('a directory named by an option, relative to cwd, or that is a file, is checked the same way', () => {
  const root = tempDir({ 'not-a-dir': 'x' });
  const secrets = thrown(() => definition.load({ env: {}, configDir: false, secretsDir: join(root, 'secrets'), envFile: false }));
  expect(secrets.message).toContain(`Secret directory ${join(root, 'secrets')} (named by option secretsDir) does not exist`);
  expect(secrets.message).toContain('only the default /etc/secrets may be absent');
  expect((secrets as ConfigDirectoryError).issues[0]?.key).toBe('secretsDir');
  const relative = thrown(() => definition.load({ env: { PODKIT_SECRETS_DIR: 'etc/secrets' }, cwd: root, configDir: false, envFile: false }));
  expect(relative.message).toContain(`${join(root, 'etc/secrets')} (named by env PODKIT_SECRETS_DIR="etc/secrets") does not exist`);
  const file = thrown(() => definition.load({ env: {}, configDir: join(root, 'not-a-dir'), secretsDir: false, envFile: false }));
  expect(file.message).toContain('is not a directory');
});

test.skipIf(process.getuid?.() === 0)('a named directory that cannot be read is an error, not an empty source', () => {
  const root = tempDir();
  const dir = join(root, 'locked');
  mkdirSync(dir);
  writeFileSync(join(dir, 'host'), 'db');
  chmodSync(dir, 0o000);
  try {
    const error = thrown(() => definition.load({ env: {}, configDir: dir, secretsDir: false, envFile: false }));
    expect(error.message).toBe(`ConfigMap directory ${dir} (named by option configDir) cannot be read (permission denied); fix its permissions (fsGroup, defaultMode)`);
    expect((error as ConfigDirectoryError).issues[0]?.kind).toBe('unreadable');
  } finally {
    chmodSync(dir, 0o755);
  }
});

test.skipIf(process.getuid?.() === 0)('a default directory may be absent, but one that exists and cannot be read is an error too', () => {
  const root = tempDir();
  const dir = join(root, 'config');
  mkdirSync(dir);
  chmodSync(dir, 0o000);
  try {
    // what /etc/config resolves to when nothing names it: a default location (namedBy undefined)
    const base = resolveLoadOptions({ env: {}, configDir: false, secretsDir: false, envFile: false });
    const error = checkMounts({ ...base, configDir: dir });
    expect(error?.message).toBe(`ConfigMap directory ${dir} (the default location) cannot be read (permission denied); fix its permissions (fsGroup, defaultMode)`);
    expect(error?.issues[0]).toMatchObject({ key: 'PODKIT_CONFIG_DIR', kind: 'unreadable' });
    expect(checkMounts({ ...base, configDir: join(root, 'absent') })).toBeUndefined();
  } finally {
    chmodSync(dir, 0o755);
  }
});

test('existing named directories load; turned-off and left-out directories are not checked', () => {
  const volume = new KubeletVolume({ host: 'db.svc' });
  try {
    expect(definition.load({ env: { PODKIT_CONFIG_DIR: volume.dir }, secretsDir: false, envFile: false }).host).toBe('db.svc');
  } finally {
    volume.remove();
  }
  expect(definition.load({ env: { PODKIT_CONFIG_DIR: '/nonexistent' }, configDir: false, secretsDir: false, envFile: false }).host).toBe('localhost');
  expect(definition.load({ env: { PODKIT_CONFIG_DIR: '/nonexistent', PODKIT_SECRETS_DIR: '/nonexistent' }, precedence: ['env'] }).host).toBe('localhost');
});

test.skipIf(existsSync('/etc/config') || existsSync('/etc/secrets'))('the implicit defaults /etc/config and /etc/secrets may be absent', () => {
  expect(definition.load({ env: {}, envFile: false }).host).toBe('localhost');
  expect(definition.load({ env: { PODKIT_CONFIG_DIR: '' }, envFile: false }).host).toBe('localhost'); // empty = default
});

test('loadConfigOrExit prints only the directory message and exits 78', () => {
  const written: string[] = [];
  const exits: number[] = [];
  expect(() =>
    loadConfigOrExit(definition, {
      env: { PODKIT_CONFIG_DIR: '/etc/confg' },
      secretsDir: false,
      envFile: false,
      stderr: { write: (text: string) => written.push(text) },
      exit: (code) => exits.push(code),
    }),
  ).toThrow(ConfigDirectoryError);
  expect(exits).toEqual([EXIT_CONFIG]);
  expect(written).toEqual([
    'ConfigMap directory /etc/confg (named by env PODKIT_CONFIG_DIR="/etc/confg") does not exist; fix the path or mount the volume there (only the default /etc/config may be absent)\n',
  ]);
});

test('a reload after the named directory disappeared is rejected; the last good config stays', () => {
  const dir = tempDir({ host: 'db-1' });
  const watcher = watchConfig(definition, { env: {}, configDir: dir, secretsDir: false, envFile: false });
  const errors: ConfigError[] = [];
  watcher.onError((error) => errors.push(error));
  rmSync(dir, { recursive: true, force: true });
  const outcome = watcher.reload();
  watcher.close();
  expect(outcome.ok).toBe(false);
  expect(errors.some((e) => e instanceof ConfigDirectoryError)).toBe(true);
  expect(watcher.current.host).toBe('db-1'); // not silently back to the default
});

test('reload warnings: none locally on the default locations, still there in a pod or with a named directory', () => {
  const local = { LOG_LEVEL: 'debug' };
  const quiet = watchConfig(definition, { env: local, configDir: false, secretsDir: false, envFile: false });
  quiet.close();
  expect(quiet.warnings).toEqual([]);
  const unset = watchConfig(definition, { env: {}, configDir: false, secretsDir: false, envFile: false });
  unset.close();
  expect(unset.warnings).toEqual([]);

  const inPod = watchConfig(definition, { env: { KUBERNETES_SERVICE_HOST: '10.96.0.1' }, configDir: false, secretsDir: false, envFile: false });
  inPod.close();
  expect(inPod.warnings).toEqual(['log.level is reloadable but no watched ConfigMap or Secret directory exists to provide it; it can never change']);

  const volume = new KubeletVolume({ host: 'db' });
  try {
    const named = watchConfig(definition, { env: { ...local, PODKIT_CONFIG_DIR: volume.dir }, secretsDir: false, envFile: false });
    named.close();
    expect(named.warnings).toEqual([
      'log.level is reloadable but is set by env var LOG_LEVEL, which never changes while the process runs; updates to ConfigMap key log.level will not apply',
    ]);
  } finally {
    volume.remove();
  }
});
