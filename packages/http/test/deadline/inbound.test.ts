import { remainingTimeMs } from '@podkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { send } from '../server/helpers/http.ts';
import { createTestService } from '../server/helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(maxDeadlineMs?: number): Promise<{ port: number; runs: () => number }> {
  let runs = 0;
  const router = createRouter()
    .get('/left', {}, () => {
      runs++;
      return { left: remainingTimeMs() };
    })
    .get('/long', { maxDeadlineMs: 120_000 }, () => ({ left: remainingTimeMs() }))
    .get('/short', { maxDeadlineMs: 1000 }, () => ({ left: remainingTimeMs() }));
  const server = await serve(createTestService().service, router, { port: 0, host: '127.0.0.1', maxDeadlineMs });
  servers.push(server);
  return { port: server.port, runs: () => runs };
}

async function left(port: number, path: string, headers?: Record<string, string>): Promise<number> {
  const res = await send(port, { path, headers });
  expect(res.status).toBe(200);
  return (res.json() as { left: number }).left;
}

describe('inbound deadline', () => {
  it('x-podkit-timeout-ms sets the request context deadline; Envoy header accepted; capped by maxDeadlineMs', async () => {
    const { port } = await start(5000);
    const own = await left(port, '/left', { 'x-podkit-timeout-ms': '800' });
    expect(own).toBeGreaterThan(0);
    expect(own).toBeLessThanOrEqual(800);
    const envoy = await left(port, '/left', { 'x-envoy-expected-rq-timeout-ms': '500' });
    expect(envoy).toBeGreaterThan(0);
    expect(envoy).toBeLessThanOrEqual(500);
    // ours wins over Envoy's when both are there
    expect(await left(port, '/left', { 'x-podkit-timeout-ms': '300', 'x-envoy-expected-rq-timeout-ms': '4000' })).toBeLessThanOrEqual(300);
    // capped by the server maximum, which is also the budget of a request without a header
    expect(await left(port, '/left', { 'x-podkit-timeout-ms': '60000' })).toBeLessThanOrEqual(5000);
    const none = await left(port, '/left');
    expect(none).toBeGreaterThan(2500);
    expect(none).toBeLessThanOrEqual(5000);
  });

  it('a route overrides the server maximum, never beyond the caller budget', async () => {
    const { port } = await start(5000);
    expect(await left(port, '/long', { 'x-podkit-timeout-ms': '100000' })).toBeGreaterThan(60_000);
    expect(await left(port, '/long', { 'x-podkit-timeout-ms': '700' })).toBeLessThanOrEqual(700);
    expect(await left(port, '/short')).toBeLessThanOrEqual(1000);
    expect(await left(port, '/short', { 'x-podkit-timeout-ms': '4000' })).toBeLessThanOrEqual(1000);
  });

  it('a request that arrives with no budget left is answered 504 at once, no handler run, marked not to retry', async () => {
    const { port, runs } = await start();
    const res = await send(port, { path: '/left', headers: { 'x-podkit-timeout-ms': '0' } });
    expect(res.status).toBe(504);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['x-podkit-no-retry']).toBe('deadline');
    expect(res.json()).toMatchObject({ status: 504, detail: expect.stringContaining('no time left') });
    expect(runs()).toBe(0);
  });

  it('a malformed budget is a 400 problem naming the header', async () => {
    const { port, runs } = await start();
    for (const value of ['abc', '-5', '1.5', '12ms']) {
      const res = await send(port, { path: '/left', headers: { 'x-envoy-expected-rq-timeout-ms': value } });
      expect(res.status).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, errors: [{ in: 'header', path: 'x-envoy-expected-rq-timeout-ms' }] });
    }
    expect(runs()).toBe(0);
  });

  it('rejects an invalid maxDeadlineMs', async () => {
    await expect(serve(createTestService().service, () => undefined, { port: 0, maxDeadlineMs: 0 })).rejects.toThrow(/maxDeadlineMs/);
    expect(() => createRouter().get('/x', { maxDeadlineMs: -1 }, () => 1)).toThrow(/maxDeadlineMs/);
  });
});
