import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { z } from 'zod';
import { configSources, defineConfig, DEFAULT_PRECEDENCE } from '@podkit/config';
import { KubeletVolume } from '@podkit/testing';
import { tempDir } from './helpers/tmp.ts';

const schema = z.object({
  a: z.string().default('default'),
  b: z.string().default('default'),
  c: z.string().default('default'),
  d: z.string().default('default'),
  e: z.string().default('default'),
});
const volumes: KubeletVolume[] = [];
afterEach(() => volumes.splice(0).forEach((v) => v.remove()));

function setup() {
  const configMap = new KubeletVolume({ b: 'config-map', c: 'config-map', d: 'config-map', e: 'config-map' });
  const secrets = new KubeletVolume({ c: 'secret', d: 'secret', e: 'secret' });
  volumes.push(configMap, secrets);
  const cwd = tempDir({ '.env': 'D=dotenv\nE=dotenv\n' });
  return { configDir: configMap.dir, secretsDir: secrets.dir, cwd, env: { E: 'env' } };
}

test('default precedence: schema defaults < ConfigMap < Secret < .env < env', () => {
  expect(DEFAULT_PRECEDENCE).toEqual(['config-map', 'secret', 'dotenv', 'env']);
  const config = defineConfig(schema).load(setup());
  expect(config).toEqual({ a: 'default', b: 'config-map', c: 'secret', d: 'dotenv', e: 'env' });
  expect(configSources(config).map((s) => s.source)).toEqual(['default', 'config-map', 'secret', 'dotenv', 'env']);
});

test('precedence is configurable, and leaving a layer out disables it', () => {
  const options = setup();
  const envFirst = defineConfig(schema).load({ ...options, precedence: ['env', 'dotenv', 'secret', 'config-map'] });
  expect(envFirst).toEqual({ a: 'default', b: 'config-map', c: 'config-map', d: 'config-map', e: 'config-map' });
  const noFiles = defineConfig(schema).load({ ...options, precedence: ['env'] });
  expect(noFiles).toEqual({ a: 'default', b: 'default', c: 'default', d: 'default', e: 'env' });
  const noDotenv = defineConfig(schema).load({ ...options, envFile: false });
  expect(noDotenv.d).toBe('secret');
  expect(configSources(noDotenv)[2]).toMatchObject({ location: join(options.secretsDir, 'c') });
});
