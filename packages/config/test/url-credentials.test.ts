import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, inspect } from 'node:util';
import { expect, test } from 'vitest';
import { z } from 'zod';
import {
  configReference,
  configSources,
  defineConfig,
  describeConfig,
  list,
  redactConfig,
  redactUrlCredentials,
  secret,
  secretValues,
  url,
  watchConfig,
  type ConfigValidationError,
} from '@podkit/config';
import { isolated, tempDir } from './helpers/tmp.ts';

const PASSWORD = 'hunter2-canary';

test('redactUrlCredentials masks userinfo passwords of every scheme, keeps user names and hosts', () => {
  const cases: [string, string][] = [
    [`postgres://blog:${PASSWORD}@db:5432/blog`, 'postgres://blog:[redacted]@db:5432/blog'],
    [`postgresql://blog:p%40ss${PASSWORD}@db/blog`, 'postgresql://blog:[redacted]@db/blog'],
    [`postgres://blog:p@ss${PASSWORD}@db/blog`, 'postgres://blog:[redacted]@db/blog'], // unencoded @: the last one ends the userinfo
    [`redis://:${PASSWORD}@cache:6379/0`, 'redis://:[redacted]@cache:6379/0'],
    [`rediss://default:${PASSWORD}@cache`, 'rediss://default:[redacted]@cache'],
    [`amqp://guest:${PASSWORD}@rabbit/vhost`, 'amqp://guest:[redacted]@rabbit/vhost'],
    [`mongodb+srv://app:${PASSWORD}@cluster0.example.net/db?retryWrites=true`, 'mongodb+srv://app:[redacted]@cluster0.example.net/db?retryWrites=true'],
    [`mongodb://app:${PASSWORD}@h1:27017,h2:27017/db`, 'mongodb://app:[redacted]@h1:27017,h2:27017/db'],
    [`nats://a:${PASSWORD}@n1,nats://b:${PASSWORD}@n2`, 'nats://a:[redacted]@n1,nats://b:[redacted]@n2'],
    [`postgres://db/blog?user=blog&password=${PASSWORD}&sslpassword=${PASSWORD}&sslmode=require`, 'postgres://db/blog?user=blog&password=[redacted]&sslpassword=[redacted]&sslmode=require'],
    [`https://s3.example/obj?X-Amz-Signature=${PASSWORD}&X-Amz-Expires=60`, 'https://s3.example/obj?X-Amz-Signature=[redacted]&X-Amz-Expires=60'],
    [`connect to "postgres://u:${PASSWORD}@db/x" failed`, 'connect to "postgres://u:[redacted]@db/x" failed'],
    ['postgres://blog@db/blog', 'postgres://blog@db/blog'],
    ['http://127.0.0.1:8081,http://127.0.0.1:9081', 'http://127.0.0.1:8081,http://127.0.0.1:9081'],
    ['user:pass@host is not a URL', 'user:pass@host is not a URL'],
  ];
  for (const [input, expected] of cases) expect(redactUrlCredentials(input), input).toBe(expected);
});

const schema = z.object({
  database: z.object({ url: z.string().optional(), urls: list(z.string()).default([]) }),
  cache: z.object({ url: url({ protocols: ['redis', 'rediss'] }).optional() }),
  features: z.record(z.string(), z.string()).default({}),
  port: z.number().default(8080),
});
const definition = defineConfig(schema);
const env = {
  DATABASE_URL: `postgres://blog:${PASSWORD}@db/blog`,
  DATABASE_URLS: `postgres://a:${PASSWORD}@r1/blog, postgres://b:${PASSWORD}@r2/blog`,
  CACHE_URL: `redis://:${PASSWORD}@cache:6379`,
  FEATURES: JSON.stringify({ upstream: `amqp://guest:${PASSWORD}@mq` }),
};

test('a URL password in a key not marked secret never reaches any printed form of the config', () => {
  const config = definition.load({ ...isolated, env });
  expect(config.database.url).toBe(env.DATABASE_URL); // the code gets the real value
  const printed = [
    describeConfig(config),
    JSON.stringify(configSources(config)),
    JSON.stringify(config),
    JSON.stringify(redactConfig(config)),
    inspect(config, { depth: 10 }),
    format('%o %j', config, config.database),
  ];
  for (const text of printed) {
    expect(text).not.toContain(PASSWORD);
    expect(text).toContain('postgres://blog:[redacted]@db/blog');
  }
  expect(redactConfig(config)).toMatchObject({
    database: { urls: ['postgres://a:[redacted]@r1/blog', 'postgres://b:[redacted]@r2/blog'] },
    cache: { url: 'redis://:[redacted]@cache:6379' },
    features: { upstream: 'amqp://guest:[redacted]@mq' },
  });
  expect(describeConfig(config)).toContain('database.url = "postgres://blog:[redacted]@db/blog"  env DATABASE_URL');
});

test('an invalid-value error never echoes a URL password, even from a refinement that quotes the input', () => {
  const strict = defineConfig(
    z.object({
      database: z.object({ url: z.string().refine((v) => v.startsWith('postgres://'), { error: (i) => `unsupported URL ${String(i.input)}` }) }),
      port: z.number(),
    }),
  );
  const result = strict.safeLoad({ ...isolated, env: { DATABASE_URL: `mysql://root:${PASSWORD}@db/x`, PORT: `http://u:${PASSWORD}@x` } });
  expect(result.ok).toBe(false);
  const error = (result as { error: ConfigValidationError }).error;
  expect(error.message).not.toContain(PASSWORD);
  expect(JSON.stringify(error.issues)).not.toContain(PASSWORD);
  expect(error.message).toContain('mysql://root:[redacted]@db/x');
  expect(error.message).toContain('port: expected a number, received "http://u:[redacted]@x" (env PORT)');
});

test('url() validates the scheme and host, keeps the string and hands its credentials to secretValues', () => {
  const config = definition.load({ ...isolated, env: { CACHE_URL: `rediss://default:p%2F${PASSWORD}@cache/0?token=t0ken-canary` } });
  expect(config.cache.url).toBe(`rediss://default:p%2F${PASSWORD}@cache/0?token=t0ken-canary`);
  expect(secretValues(config)).toEqual(expect.arrayContaining([`p%2F${PASSWORD}`, `p/${PASSWORD}`, 't0ken-canary']));
  // not declared url(): printed masked, but no value-based redaction (a password such as "blog" would mask every "blog")
  expect(definition.load({ ...isolated, env: { DATABASE_URL: env.DATABASE_URL } }).database.url).toBe(env.DATABASE_URL);
  expect(secretValues(definition.load({ ...isolated, env: { DATABASE_URL: env.DATABASE_URL } }))).toEqual([]);
  // secret(url()): the whole value and its password
  const whole = defineConfig(z.object({ dsn: secret(url()) })).load({ ...isolated, env: { DSN: `amqp://u:${PASSWORD}@mq` } });
  expect(secretValues(whole)).toEqual(expect.arrayContaining([`amqp://u:${PASSWORD}@mq`, PASSWORD]));

  const bad = ['cache:6379', 'http://cache', 'redis://', 'redis://:pw@', 'redis://ca che'];
  for (const value of bad) {
    const result = definition.safeLoad({ ...isolated, env: { CACHE_URL: value } });
    expect(result.ok, value).toBe(false);
    expect(!result.ok && result.error.issues[0]?.expected).toBe('expected a URL starting with redis:// or rediss://');
  }
  const anyScheme = defineConfig(z.object({ mongo: url() }));
  expect(anyScheme.load({ ...isolated, env: { MONGO: 'mongodb://u:p@h1:27017,h2:27017/db' } }).mongo).toContain('h2');
  expect(anyScheme.safeLoad({ ...isolated, env: { MONGO: 'postgres://db:notaport/x' } }).ok).toBe(false);
  expect(anyScheme.fields[0]).toMatchObject({ kind: 'url', type: 'URL' });
});

test('url({ requireHost: false }) accepts a socket URL with an empty authority, and nothing else that lacks a host', () => {
  const pg = defineConfig(z.object({ db: url({ protocols: ['postgresql'], requireHost: false }) }));
  expect(pg.load({ ...isolated, env: { DB: 'postgresql:///blog?host=/var/run/postgresql' } }).db).toBe('postgresql:///blog?host=/var/run/postgresql');
  for (const value of ['postgresql://:pw@/blog', 'postgresql://u@/blog', 'blog']) expect(pg.safeLoad({ ...isolated, env: { DB: value } }).ok, value).toBe(false);
  expect(defineConfig(z.object({ db: url() })).safeLoad({ ...isolated, env: { DB: 'postgresql:///blog' } }).ok).toBe(false);
});

test('the generated reference masks a URL default; reloads report rejected URL values masked', () => {
  const withDefault = defineConfig(z.object({ database: z.object({ url: url().default('postgres://blog:blog-default-pw@localhost/blog') }) }));
  expect(configReference(withDefault)).toContain('`postgres://blog:[redacted]@localhost/blog`');
  expect(configReference(withDefault)).not.toContain('blog-default-pw');

  const dir = tempDir({ 'cache.url': 'redis://cache' });
  const watcher = watchConfig(definition, { env: {}, envFile: false, configDir: dir, secretsDir: false });
  const messages: string[] = [];
  watcher.onError((error) => messages.push(error.message));
  writeFileSync(join(dir, 'cache.url'), `http://u:${PASSWORD}@cache`);
  expect(watcher.reload().ok).toBe(false);
  watcher.close();
  expect(messages.join('\n')).toContain('received "http://u:[redacted]@cache"');
  expect(messages.join('\n')).not.toContain(PASSWORD);
});
