import { Gauge, collectDefaultMetrics } from 'prom-client';
import type { LabelValues, Registry } from 'prom-client';

/** What happened to a runtime metric whose name breaks a Prometheus naming rule. */
export interface RuntimeRename {
  /** The name prom-client gave it. */
  readonly from: string;
  /** The name it is exposed under, or `undefined` when it was dropped as redundant. */
  readonly to: string | undefined;
}

/** One sample of a gauge, as prom-client's `get()` returns it. */
interface Sample {
  readonly labels: LabelValues<string>;
  readonly value: number;
}

/** The view of a registered prom-client metric this module reads. */
interface RegisteredMetric {
  readonly name: string;
  readonly type: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  get(): Promise<{ values: readonly Sample[] }> | { values: readonly Sample[] };
}

/**
 * Collects prom-client's Node runtime metrics on `registry`, then makes them pass
 * `promtool check metrics`: a gauge must not end in `_total`.
 * prom-client (15.x) registers `nodejs_active_handles_total`, `nodejs_active_requests_total` and
 * `nodejs_active_resources_total` as gauges; each is the sum over `type` of the labelled gauge
 * without the suffix (`nodejs_active_handles{type}`), so it is dropped. A future offender whose
 * base name is free is exposed under that name instead. Only the metrics this call added are
 * touched: a user's own metrics on a shared registry are left alone.
 *
 * @returns the renames and drops made, in registration order.
 */
export function collectRuntimeMetrics(registry: Registry, eventLoopMonitoringPrecision: number): RuntimeRename[] {
  const before = new Set(metricsOf(registry).map((m) => m.name));
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision });
  const added = metricsOf(registry).filter((m) => !before.has(m.name));
  withoutSamplingInterval(registry, added, eventLoopMonitoringPrecision / 1000);
  return lintNames(registry, added);
}

/** prom-client's event-loop delay gauges whose samples include the sampling interval. */
const DELAY_GAUGES: ReadonlySet<string> = new Set(
  ['min', 'max', 'mean', 'p50', 'p90', 'p99'].map((s) => `nodejs_eventloop_lag_${s}_seconds`),
);

/**
 * Node's event-loop delay histogram records the time between two ticks of its sampling timer,
 * so every sample is the interval plus the delay (an idle loop reads `intervalSeconds`, not 0).
 * Re-exposes prom-client's delay gauges (not the standard deviation, which the interval does not
 * shift) as the delay alone, so a coarse, cheap sampling interval does not read as lag.
 */
function withoutSamplingInterval(registry: Registry, added: readonly RegisteredMetric[], intervalSeconds: number): void {
  for (const metric of added) {
    if (metric.type !== 'gauge' || !DELAY_GAUGES.has(metric.name)) continue;
    registry.removeSingleMetric(metric.name);
    new Gauge({
      name: metric.name,
      help: `${metric.help} (beyond the ${String(intervalSeconds * 1000)} ms sampling interval)`,
      labelNames: [...(metric.labelNames ?? [])],
      registers: [registry],
      async collect() {
        const { values } = await metric.get();
        this.reset();
        for (const v of values) this.set(v.labels, v.value > intervalSeconds ? v.value - intervalSeconds : 0);
      },
    });
  }
}

/**
 * Renames or drops each gauge of `added` whose name ends in `_total` (prom-client registers no
 * other kind under such a name; the core tests check every default metric against the naming
 * rules, so an upgrade that adds one fails there).
 */
export function lintNames(registry: Registry, added: readonly RegisteredMetric[]): RuntimeRename[] {
  const changes: RuntimeRename[] = [];
  for (const metric of added) {
    if (metric.type !== 'gauge' || !metric.name.endsWith('_total')) continue;
    const base = metric.name.slice(0, -'_total'.length);
    registry.removeSingleMetric(metric.name);
    if (registry.getSingleMetric(base) !== undefined) {
      changes.push({ from: metric.name, to: undefined });
      continue;
    }
    new Gauge({
      name: base,
      help: metric.help,
      labelNames: [...(metric.labelNames ?? [])],
      registers: [registry],
      async collect() {
        const { values } = await metric.get();
        this.reset();
        for (const v of values) this.set(v.labels, v.value);
      },
    });
    changes.push({ from: metric.name, to: base });
  }
  return changes;
}

function metricsOf(registry: Registry): RegisteredMetric[] {
  return registry.getMetricsAsArray() as unknown as RegisteredMetric[];
}
