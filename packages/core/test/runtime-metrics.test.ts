import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../src/index.ts';
import { validateMetricName } from '../src/metrics/naming.ts';
import type { MetricKind } from '../src/metrics/naming.ts';
import { lintNames } from '../src/metrics/runtime.ts';

describe('Node runtime metrics', () => {
  it('follow the naming rules promtool checks: no gauge ends in _total (prom-client names three that way)', async () => {
    const m = createMetrics({ service: { name: 'svc', version: '1' } });
    const families = m.registry.getMetricsAsArray() as unknown as Array<{ name: string; type: string }>;
    expect(families.length).toBeGreaterThan(10);
    for (const { name, type } of families) {
      expect(() => validateMetricName(name, type as MetricKind), `${type} ${name}`).not.toThrow();
    }
    const body = (await m.expose()).body;
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      expect(body).not.toContain(`# TYPE ${name} `);
    }
    // The per-type gauges they summed stay: sum without (type) (nodejs_active_handles) is the old total.
    expect(body).toContain('# TYPE nodejs_active_handles gauge');
    expect(body).toContain('# TYPE nodejs_active_requests gauge');
    // As docs/metrics.md says: the one series whose `version` is not the service's.
    expect(body).toMatch(new RegExp(`nodejs_version_info\\{version="${process.version}",[^}]*service="svc"\\}`));
    m.close();
  });

  it('report event-loop delay beyond the sampling interval (an idle loop reads ~0, a blocked one its block)', async () => {
    const m = createMetrics({ service: { name: 'svc', version: '1' }, eventLoopMonitoringPrecision: 20 });
    await new Promise((r) => setTimeout(r, 50)); // two sampling ticks: the histogram has a starting point
    const until = performance.now() + 150;
    while (performance.now() < until); // block the loop for 150 ms
    await new Promise((r) => setTimeout(r, 1)); // the sampling tick after the block records it
    const body = (await m.expose()).body;
    const value = (name: string): number => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(body)?.[1]);
    expect(body).toContain('(beyond the 20 ms sampling interval)');
    expect(value('nodejs_eventloop_lag_max_seconds')).toBeGreaterThan(0.1);
    expect(value('nodejs_eventloop_lag_max_seconds')).toBeLessThan(0.5); // about the block, not block + interval
    expect(value('nodejs_eventloop_lag_min_seconds')).toBeGreaterThanOrEqual(0);
    m.close();
  });

  it('leave the metrics already on a shared registry alone', () => {
    const registry = new Registry();
    new Gauge({ name: 'legacy_items_total', help: 'A user metric, named as the user chose.', registers: [registry] });
    const m = createMetrics({ service: { name: 'svc', version: '1' }, registry });
    expect(registry.getSingleMetric('legacy_items_total')).toBeDefined();
    m.close();
  });

  it('expose a future _total gauge whose base name is free under that name, with its values', async () => {
    const registry = new Registry();
    const offender = new Gauge({ name: 'nodejs_widgets_total', help: 'Widgets.', labelNames: ['kind'], registers: [registry] });
    const changes = lintNames(registry, [offender as never]);
    expect(changes).toEqual([{ from: 'nodejs_widgets_total', to: 'nodejs_widgets' }]);
    offender.set({ kind: 'a' }, 3);
    const body = await registry.metrics();
    expect(body).toContain('# TYPE nodejs_widgets gauge');
    expect(body).toContain('nodejs_widgets{kind="a"} 3');
    expect(body).not.toContain('nodejs_widgets_total');
  });
});
