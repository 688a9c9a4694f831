import { afterEach, describe, expect, it } from 'vitest';
import { createClient, HttpStatusError } from '../../src/index.ts';
import type { HttpClient } from '../../src/index.ts';
import { FakeClock } from './helpers/fake-clock.ts';
import { json, refusedOrigin, reset, startUpstream } from './helpers/upstream.ts';
import type { Upstream } from './helpers/upstream.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

async function upstream(): Promise<Upstream> {
  const u = await startUpstream();
  cleanup.push(() => u.stop());
  return u;
}

function client(options: Parameters<typeof createClient>[0]): HttpClient {
  const c = createClient({ breaker: false, ...options });
  cleanup.push(() => c.close());
  return c;
}

/** 503 for the first `failures` hits, then 200. */
function failFirst(failures: number, headers: Record<string, string> = {}) {
  return (_req: unknown, res: Parameters<typeof json>[0], hit: number) =>
    hit <= failures ? json(res, 503, { error: 'unavailable' }, headers) : json(res, 200, { hit });
}

describe('retries', () => {
  it('retries a GET on 503 and returns the later success (3 attempts in all by default)', async () => {
    const u = await upstream();
    u.handler = failFirst(2);
    const c = client({ name: 'up', baseUrl: u.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const res = await c.get('/x');
    expect(await res.json()).toEqual({ hit: 3 });
    expect(u.hits).toBe(3);
  });

  it('gives up after maxAttempts with the last status error', async () => {
    const u = await upstream();
    u.handler = failFirst(100);
    const c = client({ name: 'up', baseUrl: u.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const err = await c.get('/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpStatusError);
    expect((err as HttpStatusError).status).toBe(503);
    expect((err as HttpStatusError).bodySnippet).toContain('unavailable');
    expect(u.hits).toBe(3);
  });

  it('does not retry a POST on 503 without an Idempotency-Key', async () => {
    const u = await upstream();
    u.handler = failFirst(1);
    const c = client({ name: 'up', baseUrl: u.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    await expect(c.post('/orders', { json: { item: 1 } })).rejects.toMatchObject({ code: 'ERR_PODKIT_HTTP_STATUS', status: 503 });
    expect(u.hits).toBe(1);
  });

  it('does not retry a POST whose connection was reset after sending', async () => {
    const u = await upstream();
    u.handler = reset;
    const c = client({ name: 'up', baseUrl: u.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    await expect(c.post('/orders', { json: { item: 1 } })).rejects.toMatchObject({ code: 'ERR_PODKIT_HTTP_CONNECTION' });
    expect(u.hits).toBe(1);
  });

  it('retries a POST that carries an Idempotency-Key', async () => {
    const u = await upstream();
    u.handler = failFirst(1);
    const c = client({ name: 'up', baseUrl: u.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const res = await c.post('/orders', { json: { item: 1 }, headers: { 'Idempotency-Key': 'k-1' } });
    expect(res.status).toBe(200);
    await res.dump();
    expect(u.hits).toBe(2);
  });

  it('retries a POST refused before any byte was sent, on another replica', async () => {
    const u = await upstream();
    const refused = await refusedOrigin();
    const c = client({ name: 'up', baseUrl: `${refused},${u.url}`, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const res = await c.post('/orders', { json: { item: 1 } });
    expect(res.origin).toBe(u.url);
    await res.dump();
    expect(u.hits).toBe(1);
  });

  it('does not retry 500 or 4xx', async () => {
    const u = await upstream();
    u.handler = (_req, res, hit) => json(res, hit === 1 ? 500 : 404, {});
    const c = client({ name: 'up', baseUrl: u.url, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    await expect(c.get('/a')).rejects.toMatchObject({ status: 500 });
    await expect(c.get('/a')).rejects.toMatchObject({ status: 404 });
    expect(u.hits).toBe(2);
  });

  it('balances replicas round-robin and retries on another replica', async () => {
    const a = await upstream();
    const b = await upstream();
    const c = client({ name: 'up', baseUrl: `${a.url}, ${b.url}` });
    for (let i = 0; i < 10; i++) await (await c.get('/x')).dump();
    expect([a.hits, b.hits]).toEqual([5, 5]);
    a.handler = (_req, res) => json(res, 503, {});
    const c2 = client({ name: 'up2', origins: [a.url, b.url], retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    const res = await c2.get('/x');
    expect(res.origin).toBe(b.url);
    await res.dump();
    expect(a.hits).toBe(6);
  });

  it('waits Retry-After (on the injected clock) when it fits in the deadline', async () => {
    const u = await upstream();
    u.handler = failFirst(1, { 'retry-after': '2' });
    const clock = new FakeClock();
    const c = client({ name: 'up', baseUrl: u.url, clock });
    const call = c.get('/x');
    await clock.waitForTimer((ms) => ms === 2000);
    clock.advance(1999);
    expect(u.hits).toBe(1);
    clock.advance(1);
    const res = await call;
    expect(res.status).toBe(200);
    await res.dump();
    expect(u.hits).toBe(2);
  });

  it('gives up at once when Retry-After does not fit in the remaining deadline', async () => {
    const u = await upstream();
    u.handler = failFirst(1, { 'retry-after': '60' });
    const clock = new FakeClock();
    const c = client({ name: 'up', baseUrl: u.url, clock });
    await expect(c.get('/x')).rejects.toMatchObject({ status: 503 });
    expect(u.hits).toBe(1);
  });
});
