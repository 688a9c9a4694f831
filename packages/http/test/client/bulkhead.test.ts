import type { ServerResponse } from 'node:http';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BulkheadRejectedError } from '../../src/index.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { json } from './helpers/upstream.ts';

useCleanup();

describe('bulkhead', () => {
  it('runs maxConcurrent calls, queues maxQueue, rejects the rest with a typed error', async () => {
    const u = await upstream();
    const held: ServerResponse[] = [];
    u.handler = (_req, res) => held.push(res);
    const registry = new Registry();
    const c = client({ name: 'up', baseUrl: u.url, registry, bulkhead: { maxConcurrent: 2, maxQueue: 1 } });
    const calls = [0, 1, 2].map(() => c.get('/x').then((r) => r.json()));
    await expect(c.get('/x')).rejects.toBeInstanceOf(BulkheadRejectedError);
    await u.waitForHits(2);
    expect(u.hits).toBe(2);
    for (const res of held.splice(0)) json(res, 200, {});
    await u.waitForHits(3);
    for (const res of held.splice(0)) json(res, 200, {});
    await Promise.all(calls);
    expect(await registry.metrics()).toMatch(/http_client_bulkhead_rejections_total\{client="up"\} 1/);
    expect(await registry.metrics()).toMatch(/http_client_requests_total\{client="up",method="GET",status="bulkhead_rejected"\} 1/);
  });

  it('a queued call gives up when its caller aborts', async () => {
    const u = await upstream();
    const held: ServerResponse[] = [];
    u.handler = (_req, res) => held.push(res);
    const c = client({ name: 'up', baseUrl: u.url, bulkhead: { maxConcurrent: 1, maxQueue: 1 } });
    const first = c.get('/x');
    await u.waitForHits(1);
    const ac = new AbortController();
    const queued = c.get('/x', { signal: ac.signal }).catch((e: unknown) => e);
    ac.abort();
    expect(await queued).toMatchObject({ code: 'ERR_PODKIT_HTTP_ABORTED' });
    json(held[0] as ServerResponse, 200, {});
    await (await first).dump();
    expect(u.hits).toBe(1);
  });
});
