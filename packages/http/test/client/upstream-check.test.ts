import type { ServerResponse } from 'node:http';
import { createHealth, createService } from '@podkit/core';
import type { Health } from '@podkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, createUpstreamCheck, serve } from '../../src/index.ts';
import { send } from '../server/helpers/http.ts';
import { FakeClock } from './helpers/fake-clock.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { hang, json, refusedOrigin } from './helpers/upstream.ts';

useCleanup();
let health: Health | undefined;
afterEach(() => health?.close());

function started(): Health {
  health = createHealth();
  health.markStarted();
  return health;
}

describe('createUpstreamCheck', () => {
  it('is a readiness check named after the client, 2 s timeout, and refuses liveness', () => {
    const c = client({ name: 'posts', baseUrl: 'http://127.0.0.1:1' });
    expect(createUpstreamCheck(c)).toMatchObject({ name: 'upstream:posts', kinds: ['readiness'], timeoutMs: 2000, critical: true });
    expect(() => createUpstreamCheck(c, { kinds: ['liveness'] as never })).toThrow(/kinds: a check on upstream posts never counts for liveness/);
  });

  it('GETs the path: up when it answers, down on a refused port (at once), liveness stays up', async () => {
    const u = await upstream();
    const h = started();
    h.register(createUpstreamCheck(client({ name: 'posts', baseUrl: u.url, retry: false }), { path: '/health' }));
    expect((await h.run())['upstream:posts']).toMatchObject({ status: 'up' });
    expect(u.hits).toBe(1);

    h.register(createUpstreamCheck(client({ name: 'gone', baseUrl: await refusedOrigin(), retry: false }), { path: '/health', timeoutMs: 5000 }));
    const gone = (await h.run('upstream:gone'))['upstream:gone']!;
    expect(gone.status).toBe('down');
    expect(gone.error).toMatch(/ECONNREFUSED/);
    expect(h.report('readiness').status).toBe('down');
    expect(h.report('liveness').status).toBe('up');
  });

  it('fails within its timeout when the upstream hangs, and on an error status', async () => {
    const u = await upstream();
    u.handler = hang;
    const h = started();
    const c = client({ name: 'slow', baseUrl: u.url, retry: false });
    h.register(createUpstreamCheck(c, { path: '/health', timeoutMs: 300 }));
    const slow = (await h.run('upstream:slow'))['upstream:slow']!;
    expect(slow.status).toBe('down');
    // the client's own deadline (= the check's timeout) or the check's timeout: either way, 300 ms
    expect(slow.error).toMatch(/300 ?ms/);
    expect(h.report('readiness').status).toBe('down');

    u.handler = (_req, res: ServerResponse) => json(res, 404, { error: 'nope' });
    const status = (await h.run('upstream:slow'))['upstream:slow']!;
    expect(status).toMatchObject({ status: 'down' });
    expect(status.error).toMatch(/404/);
  });

  it('without a path reads the breaker: down while it is open, no network call', async () => {
    const u = await upstream();
    u.handler = (_req, res: ServerResponse) => json(res, 500, { error: 'boom' });
    const c = client({ name: 'up', baseUrl: u.url, clock: new FakeClock(), retry: false, breaker: { minimumVolume: 5, resetTimeoutMs: 5000 } });
    const h = started();
    h.register(createUpstreamCheck(c, { critical: false }));
    expect((await h.run())['upstream:up']).toMatchObject({ status: 'up' });
    for (let i = 0; i < 5; i++) await c.get('/x').then((r) => r.dump(), () => undefined);
    expect(c.breakerState().state).toBe('open');
    const hits = u.hits;
    const open = (await h.run())['upstream:up']!;
    expect(open).toMatchObject({ status: 'down', critical: false });
    expect(open.error).toBe(`circuit breaker of upstream up is not closed for any origin (${new URL(u.url).origin} open)`);
    expect(u.hits).toBe(hits);
    // non-critical: reported, readiness stays up
    expect(h.report('readiness').status).toBe('up');
  });

  it('over HTTP: /ready answers 503 with the check error, /health stays 200, when the upstream is unreachable', async () => {
    const service = createService({ name: 'gateway', version: '1.0.0', logLevel: 'silent', runtimeMetrics: false, eventLoopCheck: false });
    const c = client({ name: 'posts', baseUrl: await refusedOrigin(), retry: false });
    service.health.register(createUpstreamCheck(c, { path: '/health' }));
    const server = await serve(service, createRouter(), { port: 0, host: '127.0.0.1', adminPort: 0, adminHost: '127.0.0.1' });
    try {
      service.health.markStarted();
      await service.health.run();
      const ready = await send(server.adminPort!, { path: '/ready' });
      expect(ready.status).toBe(503);
      const body = ready.json() as { checks: Record<string, { status: string; error: string }> };
      expect(body.checks['upstream:posts']!.status).toBe('down');
      expect(body.checks['upstream:posts']!.error).toMatch(/ECONNREFUSED/);
      const live = await send(server.adminPort!, { path: '/health' });
      expect(live.status).toBe(200);
      expect(live.json()).toMatchObject({ status: 'up', checks: {} });
    } finally {
      await server.close(1000);
      service.health.close();
    }
  });
});
