import { describe, expect, it } from 'vitest';
import { CLIENT_DEFAULTS, createClient, InvalidClientOptionsError } from '../../src/index.ts';
import type { ClientOptions } from '../../src/index.ts';

function invalid(options: ClientOptions): InvalidClientOptionsError {
  try {
    createClient(options).close().catch(() => undefined);
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidClientOptionsError);
    return err as InvalidClientOptionsError;
  }
  throw new Error('expected createClient to throw');
}

describe('options', () => {
  it('accepts the defaults', async () => {
    const c = createClient({ name: 'posts', baseUrl: 'http://127.0.0.1:1' });
    expect(c.breakerState()).toEqual({ state: 'closed', origins: { 'http://127.0.0.1:1': 'closed' } });
    await c.close();
    expect(CLIENT_DEFAULTS.retry.maxAttempts).toBe(3);
    expect(CLIENT_DEFAULTS.pool.keepAliveTimeoutMs).toBeLessThan(5000);
  });

  it('never echoes credentials of a rejected baseUrl in the error message', () => {
    for (const baseUrl of ['http://gw:pw-canary@127.0.0.1:9', 'http://127.0.0.1:9/?token=pw-canary', 'ftp://u:pw-canary@x', 'http://u:pw-canary@@:x']) {
      const err = invalid({ name: 'p', baseUrl });
      expect(err.message, baseUrl).not.toContain('pw-canary');
      expect(err.message, baseUrl).toContain('[redacted]');
    }
  });

  it.each([
    [{ name: 'p', baseUrl: 'ftp://x' }, 'baseUrl', /only http: and https:/],
    [{ name: 'p', baseUrl: 'not a url' }, 'baseUrl', /not a URL/],
    [{ name: 'p', baseUrl: ' , ' }, 'baseUrl', /empty/],
    [{ name: 'p' }, 'baseUrl', /exactly one/],
    [{ name: 'p', baseUrl: 'http://a', origins: ['http://b'] }, 'baseUrl', /exactly one/],
    [{ name: '', baseUrl: 'http://a' }, 'name', /identifier/],
    [{ name: 'p', baseUrl: 'http://a', pool: { connections: 0 } }, 'pool.connections', /integer >= 1, got 0/],
    [{ name: 'p', baseUrl: 'http://a', retry: { maxAttempts: 1.5 } }, 'retry.maxAttempts', /integer/],
    [{ name: 'p', baseUrl: 'http://a', breaker: { minimumVolume: 1 } }, 'breaker.minimumVolume', /integer >= 2, got 1/],
    [{ name: 'p', baseUrl: 'http://a', budget: { ratio: 2 } }, 'budget.ratio', /between 0 and 1/],
  ] as [ClientOptions, string, RegExp][])('rejects %j naming %s', (options, key, reason) => {
    const err = invalid(options);
    expect(err.key).toBe(key);
    expect(err.code).toBe('ERR_PODKIT_HTTP_CLIENT_OPTIONS');
    expect(err.message).toMatch(reason);
  });

  it('requires the deadline to leave room for the attempts and backoff it allows', () => {
    const err = invalid({ name: 'p', baseUrl: 'http://a', timeouts: { headersMs: 1000, deadlineMs: 2000 }, retry: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 1000 } });
    expect(err.key).toBe('timeouts.deadlineMs');
    expect(err.message).toMatch(/worst-case backoff of 5 attempts \(3500 ms\)/);
  });

  it('requires the breaker window to be longer than an attempt timeout', () => {
    const err = invalid({ name: 'p', baseUrl: 'http://a', timeouts: { connectMs: 1000, headersMs: 9000, deadlineMs: 20_000 }, breaker: { windowMs: 10_000 } });
    expect(err.key).toBe('breaker.windowMs');
    expect(err.message).toMatch(/longer than one attempt's connect \+ headers timeout \(10000 ms\)/);
  });
});
