import { Registry } from 'prom-client';
import type { OpenMetricsContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { json } from './helpers/upstream.ts';

useCleanup();

describe('metrics', () => {
  it('exposes request counts and duration histograms per client, method and status', async () => {
    const u = await upstream();
    u.handler = (req, res) => json(res, req.url === '/missing' ? 404 : 200, {});
    const registry = new Registry();
    const a = client({ name: 'posts', baseUrl: u.url, registry });
    const b = client({ name: 'auth', baseUrl: u.url, registry });
    await (await a.get('/x')).dump();
    await (await a.get('/x')).dump();
    await a.get('/missing').catch(() => undefined);
    await (await b.post('/x')).dump();
    const text = await registry.metrics();
    expect(text).toContain('# TYPE http_client_requests_total counter');
    expect(text).toContain('http_client_requests_total{client="posts",method="GET",status="200"} 2');
    expect(text).toContain('http_client_requests_total{client="posts",method="GET",status="404"} 1');
    expect(text).toContain('http_client_requests_total{client="auth",method="POST",status="200"} 1');
    expect(text).toContain('# TYPE http_client_request_duration_seconds histogram');
    expect(text).toContain('http_client_request_duration_seconds_bucket{client="posts",method="GET",status="200",le="+Inf"} 2');
    expect(text).toContain('http_client_request_duration_seconds_count{client="posts",method="GET",status="200"} 2');
    expect(text).toMatch(/http_client_request_duration_seconds_bucket\{client="posts",method="GET",status="200",le="10"\} 2/);
    expect(text).toMatch(/http_client_request_duration_seconds_sum\{client="posts",method="GET",status="200"\} 0\.\d+/);
    expect(text).toContain('http_client_breaker_state{client="posts",origin="' + u.url + '"} 0');
    const json_ = await registry.getMetricsAsJSON();
    expect(json_.map((m) => m.name)).toContain('http_client_request_duration_seconds');
    registry.resetMetrics();
    expect(await registry.metrics()).not.toContain('status="200"} 2');
  });

  it('works with an OpenMetrics registry', async () => {
    const u = await upstream();
    const registry = new Registry<OpenMetricsContentType>();
    registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const c = client({ name: 'posts', baseUrl: u.url, registry });
    await (await c.get('/x')).dump();
    const text = await registry.metrics();
    expect(text).toContain('http_client_requests_total{client="posts",method="GET",status="200"} 1');
    expect(text).not.toContain('_total_total');
  });
});
