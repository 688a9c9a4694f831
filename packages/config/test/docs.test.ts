import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { z } from 'zod';
import * as api from '@podkit/config';
import { configMapYaml, configReference, defineConfig, duration, reloadable, secret } from '@podkit/config';

// Keeps docs/config.md honest: its generated reference and error table come from the code.
const docs = readFileSync(join(import.meta.dirname, '../../../docs/config.md'), 'utf8');

// The example schema of docs/config.md, verbatim.
const definition = defineConfig(
  z.object({
    port: z.number().int().min(0).max(65535).default(8080).describe('HTTP port'),
    database: z.object({
      host: z.string().describe('PostgreSQL host'),
      port: z.number().int().default(5432).describe('PostgreSQL port'),
      password: secret(z.string().min(1)).describe('PostgreSQL password'),
    }),
    cache: z.object({ ttl: duration({ unit: 's' }).default(300_000).describe('how long cached posts live') }),
    log: z.object({ level: reloadable(z.enum(['debug', 'info', 'warn', 'error']).default('info')).describe('log level, applied live') }),
    apiKey: secret(z.string().min(1)).describe('key for the images API'),
  }),
);

test('the generated reference in docs/config.md matches configReference and configMapYaml', () => {
  expect(docs).toContain(configReference(definition));
  expect(docs).toContain('```yaml\n' + configMapYaml(definition, { name: 'posts-config' }) + '```');
});

test('docs/config.md lists every error class and code', () => {
  const errors = [
    new api.ConfigValidationError([]),
    new api.ConfigSchemaError('x'),
    new api.ConfigWatchError('x'),
    new api.ConfigNodeVersionError('22.12.0', '20.20.2'),
    new api.ConfigDirectoryError('config-map', '/x', undefined, 'does not exist'),
  ];
  for (const error of errors) expect(docs).toContain(`| \`${error.name}\` | \`${error.code}\` |`);
  const classes = Object.entries(api).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error);
  expect(classes.map(([name]) => name).sort()).toEqual(['ConfigDirectoryError', 'ConfigError', 'ConfigNodeVersionError', 'ConfigSchemaError', 'ConfigValidationError', 'ConfigWatchError']);
});
