import { describe, expect, it } from 'vitest';
import { fullJitterDelay, parseRetryAfter } from '../../src/client/backoff.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { json, reset } from './helpers/upstream.ts';

useCleanup();

describe('backoff', () => {
  it('uses full jitter under an exponential cap', () => {
    expect(fullJitterDelay(1, 100, 2000, () => 0.999)).toBe(99);
    expect(fullJitterDelay(3, 100, 2000, () => 0.5)).toBe(200);
    expect(fullJitterDelay(10, 100, 2000, () => 0.5)).toBe(1000);
    expect(fullJitterDelay(2, 100, 2000, () => 0)).toBe(0);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 12:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('retries a GET whose connection was reset', async () => {
    const u = await upstream();
    u.handler = (req, res, hit) => (hit === 1 ? reset(req, res, hit) : json(res, 200, { hit }));
    const c = client({ name: 'up', baseUrl: u.url, breaker: false, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    expect(await (await c.get('/x')).json()).toEqual({ hit: 2 });
  });
});
