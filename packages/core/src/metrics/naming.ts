import { MetricNameError } from '../errors.ts';

/** The metric kinds podkit's helpers create. */
export type MetricKind = 'counter' | 'gauge' | 'histogram';

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const LABEL = /^[a-z_][a-z0-9_]*$/;

/** Non-base units and the base unit Prometheus expects instead. */
const NON_BASE_UNITS: ReadonlyMap<string, string> = new Map([
  ['ms', 'seconds'],
  ['millis', 'seconds'],
  ['milliseconds', 'seconds'],
  ['microseconds', 'seconds'],
  ['us', 'seconds'],
  ['ns', 'seconds'],
  ['nanoseconds', 'seconds'],
  ['minutes', 'seconds'],
  ['hours', 'seconds'],
  ['kb', 'bytes'],
  ['kilobytes', 'bytes'],
  ['mb', 'bytes'],
  ['megabytes', 'bytes'],
  ['gb', 'bytes'],
  ['percent', 'ratio'],
]);

/**
 * Validates a metric name: snake_case, a base unit (`_seconds`, `_bytes`, `_ratio` — never
 * `_ms` or `_kb`), counters end in `_total`, gauges and histograms do not, histograms carry a
 * unit suffix before any `_total`. Throws {@link MetricNameError} naming the rule.
 */
export function validateMetricName(name: string, kind: MetricKind): void {
  if (!SNAKE_CASE.test(name)) {
    throw new MetricNameError(name, 'must be snake_case: lowercase letters, digits and single underscores');
  }
  const parts = name.split('_');
  for (const part of parts) {
    const base = NON_BASE_UNITS.get(part);
    if (base !== undefined) throw new MetricNameError(name, `use the base unit "_${base}" instead of "_${part}"`);
  }
  const endsTotal = name.endsWith('_total');
  if (kind === 'counter' && !endsTotal) throw new MetricNameError(name, 'a counter name must end in "_total"');
  if (kind !== 'counter' && endsTotal) throw new MetricNameError(name, `a ${kind} name must not end in "_total"`);
  if (kind === 'histogram' && parts.length < 2) {
    throw new MetricNameError(name, 'a histogram name needs a unit suffix, e.g. "_seconds" or "_bytes"');
  }
}

/** Validates label names (snake_case, not reserved). */
export function validateLabelNames(name: string, labels: readonly string[]): void {
  for (const label of labels) {
    if (!LABEL.test(label) || label.startsWith('__')) {
      throw new MetricNameError(name, `label "${label}" must be snake_case and not start with "__"`);
    }
    if (label === 'le' || label === 'quantile') {
      throw new MetricNameError(name, `label "${label}" is reserved by Prometheus`);
    }
  }
}
