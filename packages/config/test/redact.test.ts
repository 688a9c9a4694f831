import { format, inspect } from 'node:util';
import { expect, test } from 'vitest';
import { z } from 'zod';
import {
  configSources,
  defineConfig,
  describeConfig,
  isSecretKey,
  json,
  redactConfig,
  secret,
  secretValues,
} from '@podkit/config';
import { KubeletVolume } from '@podkit/testing';
import { isolated } from './helpers/tmp.ts';

const schema = z.object({
  database: z.object({ host: z.string(), password: secret(z.string()) }),
  oauth: secret(json(z.object({ clientSecret: z.string() }))),
  port: z.number().default(8080),
});

function load() {
  const secrets = new KubeletVolume({ 'database-host': 'host-in-a-secret' });
  try {
    return defineConfig(schema).load({
      ...isolated,
      secretsDir: secrets.dir,
      env: { DATABASE_PASSWORD: 'pa55word-value', OAUTH: '{"clientSecret":"oauth-secret-value"}' },
    });
  } finally {
    secrets.remove();
  }
}
const leaks = ['pa55word-value', 'oauth-secret-value', 'host-in-a-secret'];
const expectNoLeak = (text: string): void => {
  for (const value of leaks) expect(text).not.toContain(value);
  expect(text).toContain('[redacted]');
};

test('the config object itself holds the real values', () => {
  const config = load();
  expect(config.database.password).toBe('pa55word-value');
  expect(config.oauth.clientSecret).toBe('oauth-secret-value');
  expect(config.database.host).toBe('host-in-a-secret');
});

test('JSON.stringify redacts, at the root and on a section', () => {
  const config = load();
  expect(JSON.parse(JSON.stringify(config))).toEqual({
    database: { host: '[redacted]', password: '[redacted]' },
    oauth: '[redacted]',
    port: 8080,
  });
  expect(JSON.stringify(config.database)).toBe('{"host":"[redacted]","password":"[redacted]"}');
  expect(JSON.stringify({ wrapped: config })).not.toContain('pa55word');
});

test('util.inspect, console.log-style formatting and template strings redact', () => {
  const config = load();
  expectNoLeak(inspect(config, { depth: 10 }));
  expectNoLeak(inspect(config.database));
  expectNoLeak(format('%o %O %j', config, config, config));
  expectNoLeak(inspect({ nested: { config } }, { depth: 10 }));
});

test('describeConfig and configSources (the startup log line) redact and say where values came from', () => {
  const config = load();
  const summary = describeConfig(config);
  expectNoLeak(summary);
  expect(summary).toMatch(/database\.password = \[redacted\] {2}env DATABASE_PASSWORD/);
  expect(summary).toMatch(/port = "8080" {2}default/);
  expectNoLeak(JSON.stringify(configSources(config)));
  expect(configSources(config).find((e) => e.key === 'database.host')).toMatchObject({ source: 'secret', secret: true, value: '[redacted]' });
});

test('redactConfig gives a plain mutable redacted copy', () => {
  const copy = redactConfig(load());
  expect(copy).toEqual({ database: { host: '[redacted]', password: '[redacted]' }, oauth: '[redacted]', port: 8080 });
  expect(Object.isFrozen(copy)).toBe(false);
});

test('secretValues lists every secret string for a logger to scrub; isSecretKey answers per key', () => {
  const config = load();
  expect([...secretValues(config)].sort()).toEqual(
    ['host-in-a-secret', 'pa55word-value', 'oauth-secret-value', '{"clientSecret":"oauth-secret-value"}'].sort(),
  );
  expect(isSecretKey(config, 'database.host')).toBe(true);
  expect(isSecretKey(config, 'port')).toBe(false);
});

test('the config is deeply frozen', () => {
  const config = load();
  expect(Object.isFrozen(config)).toBe(true);
  expect(Object.isFrozen(config.oauth)).toBe(true);
  expect(() => {
    (config.database as { host: string }).host = 'x';
  }).toThrow(TypeError);
});

test('redaction helpers reject objects that are not loaded configs', () => {
  expect(() => describeConfig({})).toThrow(/not a config object/);
  expect(() => secretValues({ a: 1 })).toThrow(TypeError);
});

test('secrets are redacted in errors even when they come from an undeclared source', () => {
  const volume = new KubeletVolume({ port: 'not-a-port-but-secret' });
  try {
    const result = defineConfig(schema).safeLoad({ ...isolated, secretsDir: volume.dir, env: { DATABASE_HOST: 'h' } });
    expect(!result.ok && result.error.message).toContain(`port: expected a number, received [redacted] (secret ${volume.dir}/port)`);
    expect(!result.ok && result.error.message).not.toContain('not-a-port');
  } finally {
    volume.remove();
  }
});
