import type { Metric, Registry } from 'prom-client';
import { HttpOptionsError } from './errors.ts';

/** Label value shared by every request no route matched (and by handlers that report none). */
export const UNMATCHED_ROUTE = 'unmatched';
/** Label value for routes beyond `maxRoutes` (a guard against templates that are raw paths). */
export const OVERFLOW_ROUTE = 'overflow';
/** Label value shared by every method outside the allowlist. */
export const OTHER_METHOD = '_OTHER';

/**
 * Default buckets of `http_request_duration_seconds`, for a service answering in milliseconds
 * (1 ms … 10 s).
 */
export const DEFAULT_DURATION_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE']);

/** Options of {@link HttpServerMetrics}. */
export interface HttpServerMetricsOptions {
  /** Registry the metrics are registered on (the service's, never the global one). */
  registry: Registry;
  /** Histogram buckets in seconds. @default DEFAULT_DURATION_BUCKETS */
  buckets?: readonly number[];
  /** Most distinct `route` label values; further templates share `overflow`. @default 1000 */
  maxRoutes?: number;
  /** Metric name prefix. @default 'http_' */
  prefix?: string;
}

/** One `{method, route, status}` series: its request count, duration sum and bucket counts. */
class Series {
  readonly labels: { method: string; route: string; status: string };
  count = 0;
  sum = 0;
  readonly buckets: Float64Array;
  constructor(method: string, route: string, status: number, bucketCount: number) {
    this.labels = { method, route, status: String(status) };
    this.buckets = new Float64Array(bucketCount + 1);
  }
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * The HTTP server metrics: `http_requests_total{method,route,status}`,
 * `http_request_duration_seconds{method,route,status}` (histogram) and
 * `http_requests_in_flight`, registered on an injected prom-client `Registry`.
 *
 * Recording a request costs three Map lookups and a few additions: series live in plain
 * objects cached per method/route/status and are turned into prom-client's exposition format
 * only when `/metrics` is scraped (prom-client's own `labels()` children hash the label set on
 * every call). Label values are bounded: methods from an allowlist, routes as templates capped at
 * `maxRoutes`, statuses as numbers.
 */
export class HttpServerMetrics {
  /** Number of requests currently being handled (the in-flight gauge). */
  inFlight = 0;
  readonly #bounds: Float64Array;
  readonly #series = new Map<string, Map<string, Map<number, Series>>>();
  readonly #all: Series[] = [];
  readonly #routes = new Set<string>();
  readonly #maxRoutes: number;

  /** @param options - see {@link HttpServerMetricsOptions} */
  constructor(options: HttpServerMetricsOptions) {
    const buckets = options.buckets ?? DEFAULT_DURATION_BUCKETS;
    if (buckets.length === 0 || buckets.some((b, i) => !(b > 0) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new HttpOptionsError('metrics.buckets', `expected strictly increasing positive numbers, got [${buckets.join(', ')}]`);
    }
    this.#bounds = Float64Array.from(buckets);
    this.#maxRoutes = options.maxRoutes ?? 1000;
    const prefix = options.prefix ?? 'http_';
    const registry = options.registry;
    registry.registerMetric(this.#metric(`${prefix}requests_total`, 'HTTP requests handled, by method, route template and status.', 'counter', () => this.#counterValues()));
    registry.registerMetric(this.#metric(`${prefix}request_duration_seconds`, 'HTTP request duration in seconds, by method, route template and status.', 'histogram', () => this.#histogramValues(`${prefix}request_duration_seconds`)));
    registry.registerMetric(this.#metric(`${prefix}requests_in_flight`, 'HTTP requests currently being handled.', 'gauge', () => [{ labels: {}, value: this.inFlight }]));
  }

  /**
   * Records one finished request.
   *
   * @param method - the request method (outside the allowlist → `_OTHER`)
   * @param route - the route template, or `undefined` for unmatched requests
   * @param status - the response status code
   * @param seconds - the request duration in seconds
   */
  record(method: string, route: string | undefined, status: number, seconds: number): void {
    let byRoute = this.#series.get(method);
    if (byRoute === undefined) byRoute = this.#methodMap(method);
    const routeKey = route ?? UNMATCHED_ROUTE;
    let byStatus = byRoute.get(routeKey);
    if (byStatus === undefined) byStatus = this.#routeMap(byRoute, routeKey);
    let series = byStatus.get(status);
    if (series === undefined) {
      series = new Series(this.#methodLabel(method), this.#routeLabel(routeKey), status, this.#bounds.length);
      byStatus.set(status, series);
      this.#all.push(series);
    }
    series.count++;
    series.sum += seconds;
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    series.buckets[i]!++;
  }

  #methodLabel(method: string): string {
    return KNOWN_METHODS.has(method) ? method : OTHER_METHOD;
  }

  #routeLabel(route: string): string {
    return this.#routes.has(route) || route === UNMATCHED_ROUTE ? route : OVERFLOW_ROUTE;
  }

  #methodMap(method: string): Map<string, Map<number, Series>> {
    const label = this.#methodLabel(method);
    // Junk methods all share the `_OTHER` map, so they cannot grow the number of maps either.
    let map = this.#series.get(label);
    if (map === undefined) {
      map = new Map();
      this.#series.set(label, map);
    }
    return map;
  }

  #routeMap(byRoute: Map<string, Map<number, Series>>, route: string): Map<number, Series> {
    if (route !== UNMATCHED_ROUTE && !this.#routes.has(route)) {
      if (this.#routes.size >= this.#maxRoutes) {
        let overflow = byRoute.get(OVERFLOW_ROUTE);
        if (overflow === undefined) {
          overflow = new Map();
          byRoute.set(OVERFLOW_ROUTE, overflow);
        }
        return overflow;
      }
      this.#routes.add(route);
    }
    const map = new Map<number, Series>();
    byRoute.set(route, map);
    return map;
  }

  #counterValues(): MetricValue[] {
    return this.#all.map((s) => ({ labels: s.labels, value: s.count }));
  }

  #histogramValues(name: string): MetricValue[] {
    const values: MetricValue[] = [];
    const bounds = this.#bounds;
    for (const s of this.#all) {
      let cumulative = 0;
      for (let i = 0; i < bounds.length; i++) {
        cumulative += s.buckets[i]!;
        values.push({ labels: { ...s.labels, le: bounds[i]! }, value: cumulative, metricName: `${name}_bucket` });
      }
      values.push({ labels: { ...s.labels, le: '+Inf' }, value: s.count, metricName: `${name}_bucket` });
      values.push({ labels: s.labels, value: s.sum, metricName: `${name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${name}_count` });
    }
    return values;
  }

  #metric(name: string, help: string, type: 'counter' | 'histogram' | 'gauge', values: () => MetricValue[]): Metric {
    // A prom-client compatible metric: the registry only calls get() (and reset()).
    const metric = {
      name,
      help,
      type,
      aggregator: 'sum',
      get: () => Promise.resolve({ name: metric.name, help, type, aggregator: 'sum', values: values() }),
      reset: () => this.#reset(),
    };
    return metric as unknown as Metric;
  }

  #reset(): void {
    for (const s of this.#all) {
      s.count = 0;
      s.sum = 0;
      s.buckets.fill(0);
    }
  }
}
