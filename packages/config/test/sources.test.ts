import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { z } from 'zod';
import { configSources, configWarnings, defineConfig, isConfigError, secret, type ConfigValidationError } from '@podkit/config';
import { KubeletVolume } from '@podkit/testing';
import { isolated, tempDir } from './helpers/tmp.ts';

const schema = z.object({
  database: z.object({ host: z.string(), port: z.number().int().default(5432), password: secret(z.string()).optional() }),
  logLevel: z.string().default('info'),
});
const definition = defineConfig(schema);

function errorOf(fn: () => unknown): ConfigValidationError {
  try {
    fn();
  } catch (error) {
    if (isConfigError(error)) return error as ConfigValidationError;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('env: DATABASE_HOST and the literal database.host both provide database.host', () => {
  expect(definition.load({ ...isolated, env: { DATABASE_HOST: 'a' } }).database.host).toBe('a');
  expect(definition.load({ ...isolated, env: { 'database.host': 'b' } }).database.host).toBe('b');
  expect(definition.load({ ...isolated, env: { DATABASE_HOST: 'a', LOG_LEVEL: 'debug' } }).logLevel).toBe('debug');
  expect(definition.load({ ...isolated, env: { DATABASE_HOST: 'a', 'log-level': 'kebab' } }).logLevel).toBe('kebab');
  expect(definition.load({ ...isolated, env: { DATABASE_HOST: 'a', LOGLEVEL: 'x', database_host: 'y' } }).logLevel).toBe('info');
});

test('env: an explicit DATABASE_HOST overrides an envFrom-style database.host', () => {
  const config = definition.load({ ...isolated, env: { 'database.host': 'from-envFrom', DATABASE_HOST: 'explicit' } });
  expect(config.database.host).toBe('explicit');
  expect(configSources(config)[0]).toMatchObject({ source: 'env', location: 'DATABASE_HOST' });
});

test('env: a prefix applies to every name', () => {
  const prefixed = defineConfig(schema, { envPrefix: 'BLOG_' });
  expect(prefixed.fields[0]?.envVar).toBe('BLOG_DATABASE_HOST');
  expect(prefixed.load({ ...isolated, env: { BLOG_DATABASE_HOST: 'a', DATABASE_HOST: 'ignored' } }).database.host).toBe('a');
  expect(prefixed.load({ ...isolated, env: { 'BLOG_database.host': 'b' } }).database.host).toBe('b');
});

test('NAME_FILE reads the value from a file (trailing newline stripped) and marks it secret', () => {
  const dir = tempDir({ password: 'from-file\n' });
  const config = definition.load({
    ...isolated,
    env: { DATABASE_HOST: 'h', DATABASE_PASSWORD_FILE: join(dir, 'password'), LOG_LEVEL_FILE: join(dir, 'password') },
  });
  expect(config.database.password).toBe('from-file');
  expect(config.logLevel).toBe('from-file');
  expect(configSources(config)[3]).toMatchObject({
    key: 'logLevel',
    source: 'file',
    location: join(dir, 'password'),
    via: 'LOG_LEVEL_FILE',
    secret: true,
    value: '[redacted]',
  });
});

test('NAME_FILE problems: both NAME and NAME_FILE set, or the file missing', () => {
  const error = errorOf(() =>
    definition.load({
      ...isolated,
      env: { DATABASE_HOST: 'h', DATABASE_HOST_FILE: '/nonexistent', DATABASE_PASSWORD_FILE: '/nonexistent/pw' },
    }),
  );
  expect(error.issues.map((i) => [i.key, i.kind, i.source])).toEqual([
    ['database.host', 'conflict', 'env'],
    ['database.password', 'unreadable', 'file'],
  ]);
  expect(error.message).toContain('database.host: both DATABASE_HOST and DATABASE_HOST_FILE are set; set only one');
  expect(error.message).toContain('database.password: file not found (named by DATABASE_PASSWORD_FILE) (file /nonexistent/pw)');
});

test('ConfigMap directory laid out by the kubelet', () => {
  const volume = new KubeletVolume({ 'database.host': 'db.svc', 'database.port': '6543', 'log-level': 'warn' });
  try {
    const config = definition.load({ ...isolated, configDir: volume.dir });
    expect(config).toEqual({ database: { host: 'db.svc', port: 6543 }, logLevel: 'warn' });
    expect(configSources(config)[0]).toMatchObject({ source: 'config-map', location: join(volume.dir, 'database.host'), updatable: true });
  } finally {
    volume.remove();
  }
});

test('a plain directory works too, and files that match no key are reported with a hint', () => {
  const dir = tempDir({ 'database.host': 'db\n', 'database.prot': '1', '.hidden': 'x', unrelated: 'y' });
  const config = definition.load({ ...isolated, configDir: dir });
  expect(config.database.host).toBe('db');
  expect(configSources(config)[0]).toMatchObject({ updatable: false });
  expect(configWarnings(config)).toEqual([
    `ConfigMap key database.prot in ${dir} matches no config key (did you mean database.port?)`,
    `ConfigMap key unrelated in ${dir} matches no config key`,
  ]);
});

test('Secret directory: keys like database-password; values are secret even if not declared', () => {
  const secrets = new KubeletVolume({ 'database-password': 'pw', 'database-host': 'secret-host' });
  try {
    const config = definition.load({ ...isolated, secretsDir: secrets.dir });
    expect(config.database.password).toBe('pw');
    expect(config.database.host).toBe('secret-host');
    expect(JSON.stringify(config)).not.toContain('secret-host');
  } finally {
    secrets.remove();
  }
});

test('two spellings of one key in a directory with different values is a conflict', () => {
  const dir = tempDir({ 'database.host': 'a', 'database-host': 'b' });
  const error = errorOf(() => definition.load({ ...isolated, configDir: dir }));
  expect(error.issues[0]).toMatchObject({ key: 'database.host', kind: 'conflict', source: 'config-map' });
});

test.skipIf(process.getuid?.() === 0)('an unreadable file is reported, not thrown', () => {
  const dir = tempDir({ 'database.host': 'a' });
  chmodSync(join(dir, 'database.host'), 0o000);
  const error = errorOf(() => definition.load({ ...isolated, configDir: dir }));
  expect(error.issues[0]).toMatchObject({ key: 'database.host', kind: 'unreadable' });
  expect(error.message).toContain('permission denied');
});

test('a missing .env is an empty source, not an error (a missing named directory is: directories.test.ts)', () => {
  const config = definition.load({ env: { DATABASE_HOST: 'h' }, configDir: false, secretsDir: false, envFile: '/nonexistent/.env' });
  expect(config.database.host).toBe('h');
});

test('.env is parsed by util.parseEnv and resolved against cwd', () => {
  const dir = tempDir({ '.env': '# local\nDATABASE_HOST=localhost\nLOG_LEVEL="debug"\n' });
  const config = definition.load({ env: {}, configDir: false, secretsDir: false, cwd: dir });
  expect(config.database.host).toBe('localhost');
  expect(config.logLevel).toBe('debug');
  expect(configSources(config)[0]).toMatchObject({ source: 'dotenv', location: `DATABASE_HOST in ${join(dir, '.env')}` });
});

test('sources are read when load is called, not on import', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'database.host'), 'late');
  expect(definition.load({ ...isolated, configDir: dir }).database.host).toBe('late');
});

test('a key file whose target is gone (dangling symlink) is reported as unreadable', async () => {
  const { symlinkSync } = await import('node:fs');
  const dir = tempDir();
  symlinkSync(join(dir, 'missing-target'), join(dir, 'database.host'));
  const error = errorOf(() => definition.load({ ...isolated, configDir: dir }));
  expect(error.issues[0]).toMatchObject({ key: 'database.host', kind: 'unreadable', source: 'config-map', location: join(dir, 'database.host') });
  expect(error.message).toContain(`database.host: file not found (config-map ${join(dir, 'database.host')})`);
});
