/**
 * A malformed DATABASE_URL or REDIS_URL is a configuration error at load (key, source, reason;
 * exit 78 through runMain), not a driver's stack trace when the service connects.
 */
import { isConfigError } from '@podkit/config';
import { describe, expect, it } from 'vitest';
import { postsConfig } from '../../src/posts/config.ts';

function loadError(env: Record<string, string>): string {
  try {
    postsConfig.load({ env });
  } catch (err) {
    expect(isConfigError(err)).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('connection URLs in the shared config', () => {
  it('refuses a DATABASE_URL that is not a postgres:// URL, naming the key and the env var', () => {
    expect(loadError({ DATABASE_URL: 'garbage' })).toMatch(/database\.url: expected a URL starting with postgres:\/\/ or postgresql:\/\/.*\(env DATABASE_URL\)/);
    expect(loadError({ DATABASE_URL: 'mysql://db/blog' })).toMatch(/database\.url/);
  });

  it('refuses a REDIS_URL that is not a redis:// URL', () => {
    expect(loadError({ REDIS_URL: 'http://redis:6379' })).toMatch(/redis\.url: expected a URL starting with redis:\/\/ or rediss:\/\/.*\(env REDIS_URL\)/);
  });

  it('accepts the URLs the platform and its tests use', () => {
    const config = postsConfig.load({ env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/blog', REDIS_URL: 'rediss://redis:6380/0' } });
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/blog');
    expect(postsConfig.load({ env: { DATABASE_URL: 'postgresql:///blog?host=/var/run/postgresql' } }).database.url).toContain('postgresql:');
  });
});
