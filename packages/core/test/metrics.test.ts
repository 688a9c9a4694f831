import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, isPodkitError } from '../src/index.ts';

describe('createMetrics', () => {
  it('gives two services in one process separate registries with their own default labels', async () => {
    const a = createMetrics({ service: { name: 'posts', version: '1.0.0' } });
    const b = createMetrics({ service: { name: 'comments', version: '2.0.0' } });
    expect(a.registry).not.toBe(b.registry);
    a.counter({ name: 'jobs_processed_total', help: 'Jobs' }).inc(3);
    b.counter({ name: 'jobs_processed_total', help: 'Jobs' }).inc(5);
    const pageA = (await a.expose()).body;
    const pageB = (await b.expose()).body;
    expect(pageA).toContain('jobs_processed_total{service="posts",version="1.0.0"} 3');
    expect(pageB).toContain('jobs_processed_total{service="comments",version="2.0.0"} 5');
    expect(pageA).not.toContain('comments');
  });

  it('collects Node runtime metrics on the service registry, not the global one', async () => {
    const m = createMetrics({ service: { name: 'svc', version: '1' } });
    const body = (await m.expose()).body;
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'nodejs_active_handles', 'process_cpu_user_seconds_total']) {
      expect(body).toContain(name);
    }
    const { register } = await import('prom-client');
    expect(register.getSingleMetric('nodejs_eventloop_lag_seconds')).toBeUndefined();
  });

  it('uses an injected registry', () => {
    const registry = new Registry();
    const m = createMetrics({ service: { name: 'svc', version: '1' }, registry, runtimeMetrics: false });
    m.gauge({ name: 'queue_depth', help: 'Depth' }).set(4);
    expect(registry.getSingleMetric('queue_depth')).toBeDefined();
  });

  it('returns the existing metric when asked twice, and rejects a conflicting redefinition', () => {
    const m = createMetrics({ service: { name: 'svc', version: '1' }, runtimeMetrics: false });
    const h1 = m.histogram({ name: 'job_duration_seconds', help: 'Job time', labelNames: ['queue'] });
    expect(m.histogram({ name: 'job_duration_seconds', help: 'Job time', labelNames: ['queue'] })).toBe(h1);
    expect(() => m.gauge({ name: 'job_duration_seconds', help: 'x' })).toThrow(/already registered as a histogram/);
  });

  it.each([
    ['counter', 'RequestsTotal', /snake_case/],
    ['counter', 'requests', /must end in "_total"/],
    ['gauge', 'open_total', /must not end in "_total"/],
    ['histogram', 'latency_ms', /base unit "_seconds"/],
    ['histogram', 'payload_kb', /base unit "_bytes"/],
    ['histogram', 'latency', /unit suffix/],
  ] as const)('rejects %s name %s', (kind, name, reason) => {
    const m = createMetrics({ service: { name: 'svc', version: '1' }, runtimeMetrics: false });
    try {
      m[kind]({ name, help: 'x' });
      expect.unreachable();
    } catch (err) {
      expect(isPodkitError(err) && err.code).toBe('ERR_PODKIT_METRIC_NAME');
      expect((err as Error).message).toMatch(reason);
    }
  });

  it('exposes OpenMetrics when the Accept header asks, without breaking the Prometheus format', async () => {
    const m = createMetrics({ service: { name: 'svc', version: '1' }, runtimeMetrics: false });
    m.counter({ name: 'jobs_processed_total', help: 'Jobs' }).inc();
    const om = await m.expose('application/openmetrics-text; version=1.0.0,text/plain;q=0.5');
    expect(om.contentType).toContain('application/openmetrics-text');
    expect(om.body).toContain('# TYPE jobs_processed counter');
    expect(om.body).toContain('jobs_processed_total{service="svc",version="1"} 1');
    expect(om.body.endsWith('# EOF\n')).toBe(true);
    const text = await m.expose('text/plain');
    expect(text.contentType).toContain('text/plain; version=0.0.4');
    expect(text.body).toContain('# TYPE jobs_processed_total counter');
    expect(text.body).not.toContain('# EOF');
  });

  it('counts config reloads by result', async () => {
    const m = createMetrics({ service: { name: 'svc', version: '1' }, runtimeMetrics: false });
    m.recordConfigReload('success');
    m.recordConfigReload('success');
    m.recordConfigReload('failure');
    const body = (await m.expose()).body;
    expect(body).toContain('podkit_config_reloads_total{result="success",service="svc",version="1"} 2');
    expect(body).toContain('podkit_config_reloads_total{result="failure",service="svc",version="1"} 1');
  });
});
