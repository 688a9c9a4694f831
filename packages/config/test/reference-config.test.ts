import { afterEach, expect, test } from 'vitest';
import { z } from 'zod';
import { configSources, defineConfig, duration, secret } from '@podkit/config';
import { KubeletVolume } from '@podkit/testing';

// The blog platform's reference ConfigMap and Secret, exactly as written in its design:
//   data:
//     database.host: postgres.default.svc.cluster.local
//     database.port: "5432"
//     cache.ttl: "300"
//     log.level: info
//   Secret: database-password, api-key
const volumes: KubeletVolume[] = [];
afterEach(() => volumes.splice(0).forEach((v) => v.remove()));

const schema = z.object({
  database: z.object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535),
    password: secret(z.string().min(1)),
  }),
  cache: z.object({ ttl: duration({ unit: 's' }) }),
  log: z.object({ level: z.enum(['debug', 'info', 'warn', 'error']) }),
  apiKey: secret(z.string().min(1)),
});

test('the reference ConfigMap and Secret load into a typed config', () => {
  const configMap = new KubeletVolume({
    'database.host': 'postgres.default.svc.cluster.local',
    'database.port': '5432',
    'cache.ttl': '300',
    'log.level': 'info',
  });
  const secrets = new KubeletVolume({ 'database-password': 's3cr3t-pw', 'api-key': 'k-123' });
  volumes.push(configMap, secrets);

  const config = defineConfig(schema).load({ env: {}, envFile: false, configDir: configMap.dir, secretsDir: secrets.dir });

  expect(config).toEqual({
    database: { host: 'postgres.default.svc.cluster.local', port: 5432, password: 's3cr3t-pw' },
    cache: { ttl: 300_000 },
    log: { level: 'info' },
    apiKey: 'k-123',
  });
  const port: number = config.database.port;
  expect(port).toBe(5432);
  expect(Object.isFrozen(config.database)).toBe(true);
  expect(configSources(config).map((e) => [e.key, e.source, e.location])).toEqual([
    ['database.host', 'config-map', `${configMap.dir}/database.host`],
    ['database.port', 'config-map', `${configMap.dir}/database.port`],
    ['database.password', 'secret', `${secrets.dir}/database-password`],
    ['cache.ttl', 'config-map', `${configMap.dir}/cache.ttl`],
    ['log.level', 'config-map', `${configMap.dir}/log.level`],
    ['apiKey', 'secret', `${secrets.dir}/api-key`],
  ]);
});

test('PODKIT_CONFIG_DIR and PODKIT_SECRETS_DIR point at the mounts', () => {
  const configMap = new KubeletVolume({
    'database.host': 'db',
    'database.port': '5432',
    'cache.ttl': '300',
    'log.level': 'info',
  });
  const secrets = new KubeletVolume({ 'database-password': 'pw', 'api-key': 'key' });
  volumes.push(configMap, secrets);
  const config = defineConfig(schema).load({
    env: { PODKIT_CONFIG_DIR: configMap.dir, PODKIT_SECRETS_DIR: secrets.dir },
    envFile: false,
  });
  expect(config.database.host).toBe('db');
  expect(config.apiKey).toBe('key');
});
