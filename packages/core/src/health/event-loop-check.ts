import { monitorEventLoopDelay } from 'node:perf_hooks';
import { InvalidOptionError } from '../errors.ts';
import type { HealthCheckDefinition, ProbeKind } from './types.ts';

/** The part of Node's `IntervalHistogram` the check reads (injectable for tests). */
export interface DelayMonitor {
  /** Delay at percentile `p`, in nanoseconds. */
  percentile(p: number): number;
  reset(): void;
  enable(): boolean;
  disable(): boolean;
}

/** Options of {@link createEventLoopDelayCheck}. */
export interface EventLoopDelayCheckOptions {
  /** @default 'event_loop_delay' */
  readonly name?: string;
  /** Delay (at `percentile`) above which a window counts as overloaded. @default 500 */
  readonly thresholdMs?: number;
  /** Percentile of the delay distribution compared with the threshold. @default 99 */
  readonly percentile?: number;
  /** Consecutive overloaded windows before the check fails (sustained, not a GC blip). @default 3 */
  readonly windows?: number;
  /** Window length: how often the check runs. @default 2000 */
  readonly intervalMs?: number;
  /** @default ['readiness'] */
  readonly kinds?: readonly ProbeKind[];
  /**
   * Sampling interval of the monitor in milliseconds: one wake-up of an idle process per
   * interval. A sample is the interval or the turn that held the loop, whichever is longer, so
   * any interval well under `thresholdMs` detects the same saturation.
   * @default 100
   */
  readonly resolutionMs?: number;
  /** Delay source. @default monitorEventLoopDelay({ resolution: resolutionMs }) */
  readonly monitor?: DelayMonitor;
}

/**
 * A readiness check that fails when the event loop is saturated for a sustained period: the
 * `percentile` delay of each window exceeds `thresholdMs` for `windows` windows in a row. The
 * pod then stops receiving new traffic until it catches up, instead of timing everyone out.
 *
 * @example
 * ```ts
 * health.register(createEventLoopDelayCheck({ thresholdMs: 250, windows: 5 }));
 * ```
 */
export function createEventLoopDelayCheck(options: EventLoopDelayCheckOptions = {}): HealthCheckDefinition {
  const thresholdMs = options.thresholdMs ?? 500;
  const percentile = options.percentile ?? 99;
  const windows = options.windows ?? 3;
  if (!(thresholdMs > 0)) throw new InvalidOptionError('thresholdMs', `must be > 0, got ${String(thresholdMs)}`);
  if (!(percentile > 0 && percentile <= 100)) throw new InvalidOptionError('percentile', `must be in (0, 100], got ${String(percentile)}`);
  if (!(Number.isInteger(windows) && windows >= 1)) throw new InvalidOptionError('windows', `must be an integer >= 1, got ${String(windows)}`);
  const monitor = options.monitor ?? monitorEventLoopDelay({ resolution: options.resolutionMs ?? 100 });
  monitor.enable();
  let overloaded = 0;
  return {
    name: options.name ?? 'event_loop_delay',
    kinds: options.kinds ?? ['readiness'],
    intervalMs: options.intervalMs ?? 2000,
    timeoutMs: 1000,
    check(): void {
      const delayMs = monitor.percentile(percentile) / 1e6;
      monitor.reset();
      overloaded = delayMs > thresholdMs ? overloaded + 1 : 0;
      if (overloaded >= windows) {
        throw new Error(
          `event loop delay p${String(percentile)} ${delayMs.toFixed(1)} ms > ${String(thresholdMs)} ms for ${String(overloaded)} consecutive windows`,
        );
      }
    },
    close(): void {
      monitor.disable();
    },
  };
}
