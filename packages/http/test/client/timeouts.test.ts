import { describe, expect, it } from 'vitest';
import { ClientTimeoutError, RequestAbortedError } from '../../src/index.ts';
import { FakeClock } from './helpers/fake-clock.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { hang, json } from './helpers/upstream.ts';

useCleanup();

describe('deadline, timeouts and abort', () => {
  it('bounds the whole call, attempts and backoff included, by the deadline', async () => {
    const u = await upstream();
    u.handler = hang;
    // Without the deadline: 3 attempts × 1000 ms + backoff ≈ 3 s. With it: 1.5 s.
    const c = client({ name: 'up', baseUrl: u.url, breaker: false, random: () => 0.5, timeouts: { headersMs: 1000, deadlineMs: 1500 }, retry: { baseDelayMs: 100, maxDelayMs: 100 } });
    const started = performance.now();
    const err = await c.get('/slow').catch((e: unknown) => e);
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(ClientTimeoutError);
    expect((err as ClientTimeoutError).kind).toBe('deadline');
    expect(elapsed).toBeGreaterThanOrEqual(1450);
    expect(elapsed).toBeLessThan(1500 + 700);
    expect(u.hits).toBe(2);
  });

  it('times out an attempt waiting for headers and retries it', async () => {
    const u = await upstream();
    u.handler = (req, res, hit) => (hit === 1 ? hang(req, res, hit) : json(res, 200, { hit }));
    const c = client({ name: 'up', baseUrl: u.url, breaker: false, timeouts: { headersMs: 200 }, retry: { baseDelayMs: 0, maxDelayMs: 0 } });
    expect(await (await c.get('/x')).json()).toEqual({ hit: 2 });
  });

  it('cancels at once when the caller aborts, and never retries', async () => {
    const u = await upstream();
    u.handler = hang;
    const c = client({ name: 'up', baseUrl: u.url, breaker: false });
    const ac = new AbortController();
    const call = c.get('/x', { signal: ac.signal }).catch((e: unknown) => e);
    await u.waitForHits(1);
    const aborted = performance.now();
    ac.abort(new Error('user went away'));
    const err = await call;
    expect(performance.now() - aborted).toBeLessThan(50);
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect(u.hits).toBe(1);
  });

  it('an abort while the request waits for a connection rejects at once; the upstream never sees it', async () => {
    const u = await upstream();
    u.handler = (req, res, hit) => (hit === 1 ? hang(req, res, hit) : json(res, 200, { hit }));
    // One connection, no bulkhead: the second call waits in undici's queue, not in the client.
    const c = client({ name: 'up', baseUrl: u.url, breaker: false, bulkhead: false, pool: { connections: 1 } });
    const first = new AbortController();
    const firstCall = c.get('/first', { signal: first.signal }).catch((e: unknown) => e);
    await u.waitForHits(1);
    const second = new AbortController();
    const secondCall = c.get('/second', { signal: second.signal }).catch((e: unknown) => e);
    const aborted = performance.now();
    second.abort(new Error('user went away'));
    const err = await secondCall;
    expect(performance.now() - aborted).toBeLessThan(50);
    expect(err).toBeInstanceOf(RequestAbortedError);
    // Free the connection: the queued, aborted request is dropped, a new call goes through.
    first.abort();
    expect(await firstCall).toBeInstanceOf(RequestAbortedError);
    expect(await (await c.get('/third')).json()).toEqual({ hit: 2 });
    expect(u.hits).toBe(2);
  });

  it('rejects a call whose signal is already aborted without touching the network', async () => {
    const u = await upstream();
    const c = client({ name: 'up', baseUrl: u.url });
    await expect(c.get('/x', { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(RequestAbortedError);
    expect(u.hits).toBe(0);
  });

  it('an abort during backoff rejects within 50 ms with no further attempt', async () => {
    const u = await upstream();
    u.handler = (_req, res) => json(res, 503, {});
    const clock = new FakeClock();
    const c = client({ name: 'up', baseUrl: u.url, breaker: false, clock, random: () => 0.5, retry: { baseDelayMs: 1000, maxDelayMs: 1000 } });
    const ac = new AbortController();
    const call = c.get('/x', { signal: ac.signal }).catch((e: unknown) => e);
    await clock.waitForTimer((ms) => ms === 500);
    const aborted = performance.now();
    ac.abort();
    const err = await call;
    expect(performance.now() - aborted).toBeLessThan(50);
    expect(err).toBeInstanceOf(RequestAbortedError);
    clock.advance(60_000);
    expect(u.hits).toBe(1);
    expect(clock.pending().filter((ms) => ms === 500)).toEqual([]);
  });

  it('uses a shorter deadline from the request context', async () => {
    const { runWithRequestContext } = await import('@podkit/core');
    const u = await upstream();
    u.handler = hang;
    const c = client({ name: 'up', baseUrl: u.url, breaker: false });
    const started = performance.now();
    const err = await runWithRequestContext({ requestId: 'r', deadline: Date.now() + 200 }, () => c.get('/x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientTimeoutError);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
