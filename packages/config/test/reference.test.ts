import { expect, test } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { configMapYaml, configReference, defineConfig, duration, reloadable, secret } from '@podkit/config';

const definition = defineConfig(
  z.object({
    database: z.object({
      host: z.string().describe('PostgreSQL host'),
      port: z.number().int().default(5432).describe('PostgreSQL port'),
      password: secret(z.string()).describe('PostgreSQL password'),
    }),
    cache: z.object({ ttl: duration({ unit: 's' }).default(300_000).describe('cache TTL | seconds') }),
    log: z.object({ level: reloadable(z.enum(['debug', 'info']).default('info')) }),
    apiKey: secret(z.string()),
    yes: z.string().default('no: "quoted"\n'),
  }),
);

test('Markdown reference lists every key with env var, ConfigMap key, type, default, secret, reloadable, description', () => {
  expect(configReference(definition)).toBe(
    [
      '| Key | Env var | ConfigMap / Secret key | Type | Default | Secret | Reloadable | Description |',
      '|---|---|---|---|---|---|---|---|',
      '| `database.host` | `DATABASE_HOST` | `database.host` | string | **required** | no | no | PostgreSQL host |',
      '| `database.port` | `DATABASE_PORT` | `database.port` | integer | `5432` | no | no | PostgreSQL port |',
      '| `database.password` | `DATABASE_PASSWORD`<br>`DATABASE_PASSWORD_FILE` | `database-password` | string | **required** | yes | no | PostgreSQL password |',
      '| `cache.ttl` | `CACHE_TTL` | `cache.ttl` | duration | `5m` | no | no | cache TTL \\| seconds |',
      '| `log.level` | `LOG_LEVEL` | `log.level` | "debug" \\| "info" | `info` | no | yes |  |',
      '| `apiKey` | `API_KEY`<br>`API_KEY_FILE` | `api-key` | string | **required** | yes | no |  |',
      '| `yes` | `YES` | `yes` | string | `"no: \\"quoted\\"\\n"` | no | no |  |',
      '',
    ].join('\n'),
  );
});

test('ConfigMap and Secret YAML skeletons parse back to exactly the keys and string defaults', () => {
  const text = configMapYaml(definition, { name: 'posts-config', namespace: 'blog' });
  const docs = parseAllDocuments(text).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as { kind: string; metadata: { name: string; namespace: string }; data?: object; stringData?: object };
  });
  expect(docs).toEqual([
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'posts-config', namespace: 'blog' },
      data: { 'database.host': '', 'database.port': '5432', 'cache.ttl': '5m', 'log.level': 'info', yes: 'no: "quoted"\n' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'posts-config-secrets', namespace: 'blog' },
      type: 'Opaque',
      stringData: { 'database-password': '', 'api-key': '' },
    },
  ]);
  expect(text).toContain('  # integer, default 5432: PostgreSQL port\n  database.port: "5432"\n');
  expect(text).toContain('  "yes": ');
  expect(configMapYaml(definition, { includeSecret: false })).not.toContain('kind: Secret');
});

test('the generated ConfigMap values load back into the schema', async () => {
  const { KubeletVolume } = await import('@podkit/testing');
  const data = (parseAllDocuments(configMapYaml(definition))[0]!.toJS() as { data: Record<string, string> }).data;
  const volume = new KubeletVolume({ ...data, 'database.host': 'db' });
  try {
    const config = definition.load({ env: { DATABASE_PASSWORD: 'p', API_KEY: 'k' }, configDir: volume.dir, secretsDir: false, envFile: false });
    expect(config.cache.ttl).toBe(300_000);
    expect(config.database.port).toBe(5432);
  } finally {
    volume.remove();
  }
});
