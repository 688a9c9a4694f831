import { expect, test } from 'vitest';
import { z } from 'zod';
import { defineConfig, secret } from '@podkit/config';

test('key names: env var, ConfigMap key and accepted file names for each field', () => {
  const definition = defineConfig(
    z.object({
      database: z.object({ host: z.string(), password: secret(z.string()) }),
      apiKey: secret(z.string()),
      http: z.object({ requestTimeout: z.number(), maxHTTPHeaders: z.number() }),
      jwtSigningKey: z.string(),
    }),
  );
  expect(definition.fields.map((f) => [f.key, f.envVar, f.configMapKey, f.fileNames, f.envNames])).toEqual([
    ['database.host', 'DATABASE_HOST', 'database.host', ['database.host', 'database-host'], ['DATABASE_HOST', 'database.host']],
    [
      'database.password',
      'DATABASE_PASSWORD',
      'database.password',
      ['database.password', 'database-password'],
      ['DATABASE_PASSWORD', 'database.password'],
    ],
    ['apiKey', 'API_KEY', 'api-key', ['api-key', 'apiKey'], ['API_KEY', 'api-key', 'apiKey']],
    [
      'http.requestTimeout',
      'HTTP_REQUEST_TIMEOUT',
      'http.request-timeout',
      ['http.request-timeout', 'http.requestTimeout', 'http-request-timeout'],
      ['HTTP_REQUEST_TIMEOUT', 'http.request-timeout', 'http.requestTimeout'],
    ],
    [
      'http.maxHTTPHeaders',
      'HTTP_MAX_HTTP_HEADERS',
      'http.max-http-headers',
      ['http.max-http-headers', 'http.maxHTTPHeaders', 'http-max-http-headers'],
      ['HTTP_MAX_HTTP_HEADERS', 'http.max-http-headers', 'http.maxHTTPHeaders'],
    ],
    ['jwtSigningKey', 'JWT_SIGNING_KEY', 'jwt-signing-key', ['jwt-signing-key', 'jwtSigningKey'], ['JWT_SIGNING_KEY', 'jwt-signing-key', 'jwtSigningKey']],
  ]);
});

test('field metadata: type, default, required, description, secret, reloadable survive wrappers', async () => {
  const { duration, reloadable } = await import('@podkit/config');
  const definition = defineConfig(
    z.object({
      port: z.number().int().default(8080).describe('HTTP port'),
      level: reloadable(z.enum(['info', 'debug']).default('info')).describe('log level'),
      password: secret(z.string().optional()).describe('db password'),
      timeout: duration().default(5000),
      tags: z.array(z.string()).default(['a', 'b']),
      section: z.object({ flag: z.boolean().optional() }).optional(),
    }),
  );
  expect(definition.fields.map((f) => [f.key, f.type, f.defaultValue, f.required, f.description, f.secret, f.reloadable])).toEqual([
    ['port', 'integer', '8080', false, 'HTTP port', false, false],
    ['level', '"info" | "debug"', 'info', false, 'log level', false, true],
    ['password', 'string', undefined, false, 'db password', true, false],
    ['timeout', 'duration', '5s', false, undefined, false, false],
    ['tags', 'list of string', 'a,b', false, undefined, false, false],
    ['section.flag', 'boolean', undefined, false, undefined, false, false],
  ]);
  expect(definition.load({ env: {}, configDir: false, secretsDir: false, envFile: false })).toEqual({
    port: 8080,
    level: 'info',
    timeout: 5000,
    tags: ['a', 'b'],
  });
});

test('secret() and reloadable() on a whole section apply to every key in it', () => {
  const definition = defineConfig(
    z.object({ smtp: secret(z.object({ user: z.string(), pass: z.string() })), plain: z.object({ a: z.string() }) }),
  );
  expect(definition.fields.map((f) => [f.key, f.secret])).toEqual([
    ['smtp.user', true],
    ['smtp.pass', true],
    ['plain.a', false],
  ]);
  const config = definition.load({ env: { SMTP_USER: 'u', SMTP_PASS: 'p', PLAIN_A: 'a' }, configDir: false, secretsDir: false, envFile: false });
  expect(JSON.stringify(config)).toBe('{"smtp":{"user":"[redacted]","pass":"[redacted]"},"plain":{"a":"a"}}');
});
