import { expect, test } from 'vitest';
import { z } from 'zod';
import { ConfigError, ConfigSchemaError, ConfigValidationError, defineConfig, isConfigError, secret } from '@podkit/config';
import { KubeletVolume } from '@podkit/testing';
import { isolated } from './helpers/tmp.ts';

const schema = z.object({
  database: z.object({ host: z.string(), port: z.number().int(), password: secret(z.string().min(12)) }),
  log: z.object({ level: z.enum(['debug', 'info']).default('info') }),
  apiKey: secret(z.string()),
  debug: z.boolean().default(false),
});

test('every problem is listed at once, in schema order, naming key, source, expected and received', () => {
  const configMap = new KubeletVolume({ 'database.port': 'fals', 'log.level': 'verbose' });
  try {
    const result = defineConfig(schema).safeLoad({
      ...isolated,
      configDir: configMap.dir,
      env: { DATABASE_PASSWORD: 'short-pw', DEBUG: '' },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const error = result.error;
    expect(error).toBeInstanceOf(ConfigValidationError);
    expect(error).toBeInstanceOf(ConfigError);
    expect(isConfigError(error)).toBe(true);
    expect(error.code).toBe('ERR_PODKIT_CONFIG_INVALID');
    expect(error.issues.map((i) => [i.key, i.kind, i.source, i.location])).toEqual([
      ['database.host', 'missing', undefined, undefined],
      ['database.port', 'invalid', 'config-map', `${configMap.dir}/database.port`],
      ['database.password', 'invalid', 'env', 'DATABASE_PASSWORD'],
      ['log.level', 'invalid', 'config-map', `${configMap.dir}/log.level`],
      ['apiKey', 'missing', undefined, undefined],
      ['debug', 'invalid', 'env', 'DEBUG'],
    ]);
    expect(error.message).toBe(
      [
        'Invalid configuration (6 problems):',
        '  - database.host: required but not set (set env DATABASE_HOST, or ConfigMap key database.host)',
        `  - database.port: expected an integer, received "fals" (config-map ${configMap.dir}/database.port)`,
        '  - database.password: expected string to have >=12 characters, received [redacted] (env DATABASE_PASSWORD)',
        `  - log.level: expected one of "debug"|"info", received "verbose" (config-map ${configMap.dir}/log.level)`,
        '  - apiKey: required but not set (set env API_KEY or API_KEY_FILE, or Secret key api-key)',
        '  - debug: expected a boolean (true/false, 1/0, yes/no, on/off), received "" (env DEBUG)',
      ].join('\n'),
    );
    expect(error.message).not.toContain('short-pw');
  } finally {
    configMap.remove();
  }
});

test('a secret never appears in an error, even when a refinement echoes it', () => {
  const echo = z.object({
    token: secret(z.string().refine((v) => v.startsWith('tok_'), { error: (issue) => `bad token ${String(issue.input)}` })),
  });
  const result = defineConfig(echo).safeLoad({ ...isolated, env: { TOKEN: 'hunter2-secret' } });
  expect(!result.ok && result.error.message).toBe(
    'Invalid configuration (1 problem):\n  - token: bad token [redacted], received [redacted] (env TOKEN)',
  );
});

test('schema-level refinements are reported under (root) or their path', () => {
  const refined = z
    .object({ min: z.number(), max: z.number() })
    .refine((c) => c.min <= c.max, { message: 'min must not exceed max', path: ['min'] })
    .refine(() => false, { message: 'always wrong' });
  const result = defineConfig(refined).safeLoad({ ...isolated, env: { MIN: '5', MAX: '1' } });
  expect(!result.ok && result.error.issues.map((i) => i.message)).toEqual([
    'min: min must not exceed max, received "5" (env MIN)',
    '(root): always wrong',
  ]);
});

test('a schema whose keys collide is rejected when defined', () => {
  const clash = z.object({ database: z.object({ host: z.string() }), databaseHost: z.string() });
  expect(() => defineConfig(clash)).toThrow(ConfigSchemaError);
  expect(() => defineConfig(clash)).toThrow(/database.host and databaseHost both map to the environment variable DATABASE_HOST/);
  try {
    defineConfig(clash);
  } catch (error) {
    expect((error as ConfigError).code).toBe('ERR_PODKIT_CONFIG_SCHEMA');
  }
});

test('several problems with one key are all listed; a source problem is not repeated as "missing"', () => {
  const strict = z.object({ name: z.string().min(5).regex(/^[a-z]+$/), other: z.string() });
  const result = defineConfig(strict).safeLoad({ ...isolated, env: { NAME: 'AB', OTHER: 'x', OTHER_FILE: '/x' } });
  expect(!result.ok && result.error.issues.map((i) => i.message)).toEqual([
    'name: expected string to have >=5 characters, received "AB" (env NAME)',
    'name: must match pattern /^[a-z]+$/, received "AB" (env NAME)',
    'other: both OTHER and OTHER_FILE are set; set only one (env OTHER)',
  ]);
});
