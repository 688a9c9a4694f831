import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HttpStatusError, RetryBudgetExhaustedError } from '../../src/index.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { json } from './helpers/upstream.ts';

useCleanup();

describe('retry budget', () => {
  it('caps retries under a sustained outage near ratio × calls + floor', async () => {
    const u = await upstream();
    u.handler = (_req, res) => json(res, 503, {});
    const registry = new Registry();
    const c = client({
      name: 'up',
      baseUrl: u.url,
      registry,
      breaker: false,
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
      // A 10-minute window (floor 0.1/s × 600 s = 60 retries) so the test never sees a bucket roll.
      budget: { ratio: 0.2, minPerSecond: 0.1, windowMs: 600_000 },
    });
    const calls = 500;
    const errors: unknown[] = [];
    for (let i = 0; i < calls; i++) errors.push(await c.get('/x').catch((e: unknown) => e));
    const allowedRetries = 0.2 * calls + 60;
    // Without a budget the upstream would see 3 × 500 = 1500 requests.
    expect(u.hits).toBeLessThanOrEqual(calls + allowedRetries);
    expect(u.hits).toBeGreaterThanOrEqual(calls + allowedRetries - 3);
    expect(errors.every((e) => e instanceof HttpStatusError || e instanceof RetryBudgetExhaustedError)).toBe(true);
    const exhausted = errors.filter((e) => e instanceof RetryBudgetExhaustedError);
    expect(exhausted.length).toBeGreaterThan(300);
    expect((exhausted[0] as RetryBudgetExhaustedError).cause).toBeInstanceOf(HttpStatusError);
    expect(await registry.metrics()).toMatch(/http_client_retry_budget_rejections_total\{client="up"\} \d{3}/);
  });
});
