import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { CollectFunction, Metric } from 'prom-client';
import { MetricNameError } from './errors.ts';
import type { ServiceIdentity } from './logger.ts';
import { createExposer } from './metrics/exposition.ts';
import type { Exposition } from './metrics/exposition.ts';
import { validateLabelNames, validateMetricName } from './metrics/naming.ts';
import { collectRuntimeMetrics } from './metrics/runtime.ts';
import type { MetricKind } from './metrics/naming.ts';

export type { Exposition } from './metrics/exposition.ts';
export type { MetricKind } from './metrics/naming.ts';

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** Service name and version, added as the `service` and `version` labels of every series. */
  readonly service: ServiceIdentity;
  /**
   * Registry to register on. Never prom-client's global registry unless you pass it yourself.
   * @default new Registry()
   */
  readonly registry?: Registry;
  /**
   * Extra labels on every series (e.g. `{ zone: 'eu-west-1a' }`).
   * @default {}
   */
  readonly defaultLabels?: Readonly<Record<string, string>>;
  /**
   * Collect Node runtime metrics (event loop lag, GC, heap, handles, CPU) on this registry:
   * prom-client's default metrics, minus the gauges it names `_total` (`promtool check metrics`
   * rejects those; see docs/metrics.md for the mapping).
   * @default true
   */
  readonly runtimeMetrics?: boolean;
  /**
   * Sampling interval of the event loop delay histogram behind `nodejs_eventloop_lag_*_seconds`,
   * in milliseconds: one wake-up of an idle process per interval. The gauges report the delay
   * beyond the interval (an idle loop reads about 0), so the interval sets only how many samples
   * a scrape sees (100 per 10 s by default), not a floor under the figures.
   * @default 100
   */
  readonly eventLoopMonitoringPrecision?: number;
}

/** Configuration of a counter made by {@link Metrics.counter}. */
export interface CounterConfig<L extends string = string> {
  /** snake_case name ending in `_total`, e.g. `jobs_processed_total`. */
  readonly name: string;
  /** One-line description shown in `# HELP`. */
  readonly help: string;
  /** Label names. @default [] */
  readonly labelNames?: readonly L[];
}

/** Configuration of a gauge made by {@link Metrics.gauge}. */
export interface GaugeConfig<L extends string = string> extends CounterConfig<L> {
  /** Called at scrape time to set the value, e.g. from a pool's size. */
  readonly collect?: CollectFunction<Gauge<L>>;
}

/** Configuration of a histogram made by {@link Metrics.histogram}. */
export interface HistogramConfig<L extends string = string> extends CounterConfig<L> {
  /**
   * Upper bounds of the buckets, in the unit of the name (seconds for `_seconds`).
   * @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
   */
  readonly buckets?: readonly number[];
}

/** Result of a configuration reload, as counted by {@link Metrics.recordConfigReload}. */
export type ConfigReloadResult = 'success' | 'failure';

/**
 * A service's metrics: its own prom-client registry plus helpers that create metrics on it
 * with validated names. Helpers are idempotent: asking twice for the same name, type and
 * labels returns the same metric instead of throwing "already registered".
 */
export interface Metrics {
  /** The registry every metric of this service lives on. */
  readonly registry: Registry;
  /** Creates (or returns the existing) counter. Throws {@link MetricNameError} on a bad name. */
  counter<L extends string = string>(config: CounterConfig<L>): Counter<L>;
  /** Creates (or returns the existing) gauge. */
  gauge<L extends string = string>(config: GaugeConfig<L>): Gauge<L>;
  /** Creates (or returns the existing) histogram. */
  histogram<L extends string = string>(config: HistogramConfig<L>): Histogram<L>;
  /**
   * Renders every metric: Prometheus text format, or OpenMetrics when `accept` (an HTTP
   * `Accept` header) asks for `application/openmetrics-text`.
   */
  expose(accept?: string): Promise<Exposition>;
  /** Counts a configuration reload in `podkit_config_reloads_total{result}`. */
  recordConfigReload(result: ConfigReloadResult): void;
  /** Removes every metric from the registry. */
  close(): void;
}

const TYPES: Record<MetricKind, string> = { counter: 'counter', gauge: 'gauge', histogram: 'histogram' };

/**
 * Creates the metrics of one service on its own registry (two services in one process never
 * share series), with `service` and `version` default labels and Node runtime metrics.
 *
 * @example
 * ```ts
 * const metrics = createMetrics({ service: { name: 'posts', version: '1.0.0' } });
 * const jobs = metrics.counter({ name: 'jobs_processed_total', help: 'Jobs done', labelNames: ['queue'] });
 * jobs.inc({ queue: 'images' });
 * const { contentType, body } = await metrics.expose(req.headers.accept);
 * ```
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = options.registry ?? new Registry();
  registry.setDefaultLabels({
    ...(registry as unknown as { _defaultLabels?: Record<string, string> })._defaultLabels,
    ...options.defaultLabels,
    service: options.service.name,
    version: options.service.version,
  });
  if (options.runtimeMetrics !== false && registry.getSingleMetric('process_cpu_user_seconds_total') === undefined) {
    collectRuntimeMetrics(registry, options.eventLoopMonitoringPrecision ?? 100);
  }

  function existing(kind: MetricKind, name: string, labelNames: readonly string[]): Metric | undefined {
    const found: (Metric & { labelNames?: readonly string[]; type?: string }) | undefined = registry.getSingleMetric(name);
    if (found === undefined) return undefined;
    const sameLabels =
      (found.labelNames ?? []).length === labelNames.length && labelNames.every((l) => found.labelNames?.includes(l));
    if (found.type !== TYPES[kind] || !sameLabels) {
      throw new MetricNameError(name, `already registered as a ${String(found.type)} with labels [${(found.labelNames ?? []).join(', ')}]`);
    }
    return found;
  }

  function prepare(kind: MetricKind, config: CounterConfig): string[] {
    validateMetricName(config.name, kind);
    const labelNames = [...(config.labelNames ?? [])];
    validateLabelNames(config.name, labelNames);
    return labelNames;
  }

  const metrics: Metrics = {
    registry,
    counter<L extends string = string>(config: CounterConfig<L>): Counter<L> {
      const labelNames = prepare('counter', config) as L[];
      return (existing('counter', config.name, labelNames) as Counter<L> | undefined) ??
        new Counter<L>({ name: config.name, help: config.help, labelNames, registers: [registry] });
    },
    gauge<L extends string = string>(config: GaugeConfig<L>): Gauge<L> {
      const labelNames = prepare('gauge', config) as L[];
      return (existing('gauge', config.name, labelNames) as Gauge<L> | undefined) ??
        new Gauge<L>({
          name: config.name,
          help: config.help,
          labelNames,
          registers: [registry],
          ...(config.collect ? { collect: config.collect } : {}),
        });
    },
    histogram<L extends string = string>(config: HistogramConfig<L>): Histogram<L> {
      const labelNames = prepare('histogram', config) as L[];
      return (existing('histogram', config.name, labelNames) as Histogram<L> | undefined) ??
        new Histogram<L>({
          name: config.name,
          help: config.help,
          labelNames,
          registers: [registry],
          ...(config.buckets ? { buckets: [...config.buckets] } : {}),
        });
    },
    expose: createExposer(registry),
    recordConfigReload(result: ConfigReloadResult): void {
      metrics
        .counter({ name: 'podkit_config_reloads_total', help: 'Configuration reloads by result.', labelNames: ['result'] })
        .inc({ result });
    },
    close(): void {
      registry.clear();
    },
  };
  return metrics;
}
