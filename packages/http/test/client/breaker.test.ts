import type { ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BreakerOpenError, ClientTimeoutError } from '../../src/index.ts';
import type { ClientOptions, HttpClient } from '../../src/index.ts';
import { FakeClock } from './helpers/fake-clock.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { hang, json } from './helpers/upstream.ts';
import type { Upstream } from './helpers/upstream.ts';

useCleanup();

const fail500 = (_req: unknown, res: ServerResponse): void => json(res, 500, { error: 'boom' });

async function settle(c: HttpClient, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await c.get('/x').then((r) => r.dump(), () => undefined);
}

async function openBreaker(extra: Partial<ClientOptions> = {}): Promise<{ u: Upstream; c: HttpClient; clock: FakeClock; registry: Registry }> {
  const u = await upstream();
  u.handler = fail500;
  const clock = new FakeClock();
  const registry = new Registry();
  const c = client({ name: 'up', baseUrl: u.url, clock, registry, retry: false, breaker: { minimumVolume: 5, resetTimeoutMs: 5000 }, ...extra });
  await settle(c, 5);
  expect(c.breakerState().state).toBe('open');
  return { u, c, clock, registry };
}

describe('circuit breaker', () => {
  it('opens only once the minimum volume is reached, then fails fast without touching the upstream', async () => {
    const u = await upstream();
    u.handler = fail500;
    const registry = new Registry();
    const c = client({ name: 'up', baseUrl: u.url, clock: new FakeClock(), registry, retry: false, breaker: { minimumVolume: 5 } });
    await settle(c, 4);
    expect(c.breakerState().state).toBe('closed');
    await settle(c, 1);
    expect(c.breakerState()).toEqual({ state: 'open', origins: { [u.url]: 'open' } });
    expect(u.hits).toBe(5);

    const started = performance.now();
    const n = 1000;
    for (let i = 0; i < n; i++) await expect(c.get('/x')).rejects.toBeInstanceOf(BreakerOpenError);
    expect((performance.now() - started) / n).toBeLessThan(1);
    expect(u.hits).toBe(5);

    const text = await registry.metrics();
    expect(text).toContain('http_client_breaker_state{client="up",origin="' + u.url + '"} 2');
    expect(text).toMatch(/http_client_breaker_transitions_total\{client="up",origin="[^"]+",from="closed",to="open"\} 1/);
    expect(text).toMatch(/http_client_requests_total\{client="up",method="GET",status="breaker_open"\} 1000/);
  });

  it('never opens on 4xx, and not below the failure ratio', async () => {
    const u = await upstream();
    u.handler = (_req, res, hit) => json(res, hit % 4 === 0 ? 500 : 404, {});
    const c = client({ name: 'up', baseUrl: u.url, clock: new FakeClock(), retry: false, breaker: { minimumVolume: 5 } });
    await settle(c, 100);
    expect(c.breakerState().state).toBe('closed');
    expect(u.hits).toBe(100);
  });

  it('does not count caller aborts', async () => {
    const u = await upstream();
    u.handler = hang;
    const c = client({ name: 'up', baseUrl: u.url, clock: new FakeClock(), retry: false, breaker: { minimumVolume: 5 } });
    for (let i = 0; i < 10; i++) {
      const ac = new AbortController();
      const call = c.get('/x', { signal: ac.signal }).catch(() => undefined);
      await u.waitForHits(i + 1);
      ac.abort();
      await call;
    }
    expect(c.breakerState().state).toBe('closed');
  });

  it('half-opens after the reset timeout and lets exactly one of 100 concurrent calls reach the upstream, then closes', async () => {
    const { u, c, clock, registry } = await openBreaker();
    clock.advance(4999);
    expect(c.breakerState().state).toBe('open');
    clock.advance(1);
    expect(c.breakerState().state).toBe('half-open');

    const held: ServerResponse[] = [];
    u.handler = (_req, res) => held.push(res);
    const calls = Array.from({ length: 100 }, () => c.get('/x').then((r) => r.dump().then(() => 'ok'), (e: unknown) => e));
    await u.waitForHits(6);
    const rejected = await Promise.all(calls.slice(1));
    expect(rejected.every((e) => e instanceof BreakerOpenError)).toBe(true);
    expect(u.hits).toBe(6);

    json(held[0] as ServerResponse, 200, { ok: true });
    expect(await calls[0]).toBe('ok');
    expect(c.breakerState().state).toBe('closed');
    u.handler = (_req, res) => json(res, 200, {});
    await (await c.get('/x')).dump();
    expect(u.hits).toBe(7);
    expect(await registry.metrics()).toMatch(/from="half-open",to="closed"\} 1/);
  });

  it('lets exactly halfOpenMaxCalls trials through', async () => {
    const { u, c, clock } = await openBreaker({ breaker: { minimumVolume: 5, resetTimeoutMs: 5000, halfOpenMaxCalls: 3 } });
    clock.advance(5000);
    const held: ServerResponse[] = [];
    u.handler = (_req, res) => held.push(res);
    const calls = Array.from({ length: 100 }, () => c.get('/x').then((r) => r.dump(), (e: unknown) => e));
    await u.waitForHits(8);
    const settled = await Promise.all(calls.filter((_, i) => i >= 3));
    expect(settled.every((e) => e instanceof BreakerOpenError)).toBe(true);
    expect(u.hits).toBe(8);
    for (const res of held) json(res, 200, {});
    await Promise.all(calls.slice(0, 3));
    expect(c.breakerState().state).toBe('closed');
  });

  it('re-opens when the trial fails, re-arming its timer', async () => {
    const { u, c, clock } = await openBreaker();
    clock.advance(5000);
    expect(c.breakerState().state).toBe('half-open');
    await expect(c.get('/x')).rejects.toMatchObject({ status: 500 });
    expect(c.breakerState().state).toBe('open');
    expect(u.hits).toBe(6);
    clock.advance(4999);
    expect(c.breakerState().state).toBe('open');
    await expect(c.get('/x')).rejects.toBeInstanceOf(BreakerOpenError);
    clock.advance(1);
    expect(c.breakerState().state).toBe('half-open');
  });

  it('a timed-out call is cancelled alone: calls before and after it are unaffected', async () => {
    const u = await upstream();
    u.handler = (req, res, hit) => (hit === 1 ? hang(req, res, hit) : json(res, 200, { hit }));
    const clock = new FakeClock();
    const c = client({ name: 'up', baseUrl: u.url, clock, retry: false, timeouts: { headersMs: 300 }, breaker: { minimumVolume: 2 } });
    const slow = c.get('/slow').catch((e: unknown) => e);
    await u.waitForHits(1);
    const during = await c.get('/fast');
    expect(await during.json()).toEqual({ hit: 2 });
    clock.advance(300);
    const err = await slow;
    expect(err).toBeInstanceOf(ClientTimeoutError);
    expect((err as ClientTimeoutError).kind).toBe('headers');
    const after = await c.get('/fast');
    expect(await after.json()).toEqual({ hit: 3 });
    expect(c.breakerState().state).toBe('closed');
  });

  it('keeps a breaker per origin: an open replica is skipped while the other serves', async () => {
    const bad = await upstream();
    const good = await upstream();
    bad.handler = fail500;
    const c = client({ name: 'up', origins: [bad.url, good.url], clock: new FakeClock(), retry: false, breaker: { minimumVolume: 2 } });
    await settle(c, 4);
    expect(c.breakerState()).toEqual({ state: 'partial', origins: { [bad.url]: 'open', [good.url]: 'closed' } });
    const before = bad.hits;
    await settle(c, 10);
    expect(bad.hits).toBe(before);
    expect(good.hits).toBe(12);
  });
});
