import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRouter, serve } from '../../src/index.ts';
import type { PodkitServer, ServeOptions } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';
import type { TestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const app = createRouter().get('/posts/:id', { params: z.object({ id: z.string() }) }, ({ params }) => ({ id: params.id }));

async function start(options: ServeOptions = {}): Promise<{ server: PodkitServer; t: TestService }> {
  const t = createTestService();
  const server = await serve(t.service, app, { port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  return { server, t };
}

describe('probes', () => {
  it('answer from the health reports: 200 when up, 503 when down, the report as JSON', async () => {
    const { server, t } = await start();
    for (const path of ['/health', '/ready', '/startup']) {
      const res = await send(server.port, { path });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.json()).toMatchObject({ status: 'up' });
    }
    t.setStatus('readiness', 'down');
    const ready = await send(server.port, { path: '/ready' });
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'down', kind: 'readiness' });
    expect((await send(server.port, { path: '/health' })).status).toBe(200);
    expect((await send(server.port, { path: '/ready?verbose=1' })).status).toBe(503);
  });

  it('405 for methods other than GET/HEAD', async () => {
    const { server } = await start();
    const res = await send(server.port, { method: 'POST', path: '/ready' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD');
  });

  it('use configurable paths and can be disabled', async () => {
    const { server } = await start({ probes: { liveness: '/livez', readiness: '/readyz', startup: false, metrics: '/prom' } });
    expect((await send(server.port, { path: '/livez' })).status).toBe(200);
    expect((await send(server.port, { path: '/readyz' })).status).toBe(200);
    expect((await send(server.port, { path: '/startup' })).status).toBe(404);
    expect((await send(server.port, { path: '/prom' })).text).toContain('# TYPE http_requests_total counter');
    const none = await start({ probes: false });
    expect((await send(none.server.port, { path: '/health' })).status).toBe(404);
  });

  it('can live on a separate admin port, off the public one', async () => {
    const { server } = await start({ adminPort: 0, adminHost: '127.0.0.1' });
    expect(server.adminPort).toBeGreaterThan(0);
    expect((await send(server.adminPort!, { path: '/ready' })).status).toBe(200);
    expect((await send(server.adminPort!, { path: '/metrics' })).status).toBe(200);
    expect((await send(server.adminPort!, { path: '/posts/1' })).status).toBe(404);
    expect((await send(server.port, { path: '/ready' })).status).toBe(404);
    expect((await send(server.port, { path: '/posts/1' })).status).toBe(200);
  });

  it('serve /metrics as Prometheus text, or OpenMetrics when asked', async () => {
    const { server } = await start();
    await send(server.port, { path: '/posts/1' });
    const text = await send(server.port, { path: '/metrics' });
    expect(text.headers['content-type']).toMatch(/^text\/plain; version=0.0.4/);
    const open = await send(server.port, { path: '/metrics', headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(open.headers['content-type']).toMatch(/^application\/openmetrics-text/);
    expect(open.text).toMatch(/http_requests_total\{method="GET",route="\/posts\/:id"/);
    expect(open.text.trimEnd().endsWith('# EOF')).toBe(true);
  });
});
