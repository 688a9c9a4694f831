import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ELDHistogram } from 'node:perf_hooks';
import { HttpOptionsError } from './errors.ts';

/** Options of load shedding (off unless given to `serve()`). */
export interface LoadSheddingOptions {
  /**
   * Shed when the event-loop delay (p99 over the last window) exceeds this many milliseconds.
   * @default 200
   */
  maxEventLoopDelayMs?: number;
  /** Length of the sampling window in milliseconds. @default 1000 */
  windowMs?: number;
  /** `Retry-After` seconds sent with the 503. @default 1 */
  retryAfterSeconds?: number;
}

/** Source of event-loop delay samples (injectable for tests). @internal */
export interface DelaySampler {
  /** p99 delay in milliseconds over the samples since the last reset; 0 without samples. */
  p99Ms(): number;
  reset(): void;
  close(): void;
}

function eventLoopDelaySampler(): DelaySampler {
  const histogram: ELDHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    p99Ms: () => (histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0),
    reset: () => histogram.reset(),
    close: () => histogram.disable(),
  };
}

/**
 * Watches the event-loop delay and reports overload: the p99 delay of each window above the
 * threshold turns shedding on for the next window. Checking costs a field read per request.
 * @internal
 */
export class LoadShedder {
  /** Whether new non-probe requests should be shed now. */
  overloaded = false;
  /** The `Retry-After` header value. */
  readonly retryAfter: string;
  readonly #sampler: DelaySampler;
  readonly #timer: NodeJS.Timeout;

  constructor(options: LoadSheddingOptions, sampler?: DelaySampler) {
    const maxMs = options.maxEventLoopDelayMs ?? 200;
    const windowMs = options.windowMs ?? 1000;
    const retry = options.retryAfterSeconds ?? 1;
    if (!(maxMs > 0)) throw new HttpOptionsError('loadShedding.maxEventLoopDelayMs', `expected a positive number, got ${String(maxMs)}`);
    if (!(windowMs >= 10)) throw new HttpOptionsError('loadShedding.windowMs', `expected a number >= 10, got ${String(windowMs)}`);
    if (!Number.isInteger(retry) || retry < 0) throw new HttpOptionsError('loadShedding.retryAfterSeconds', `expected a non-negative integer, got ${String(retry)}`);
    this.retryAfter = String(retry);
    const source = sampler ?? eventLoopDelaySampler();
    this.#sampler = source;
    this.#timer = setInterval(() => {
      this.overloaded = source.p99Ms() > maxMs;
      source.reset();
    }, windowMs);
    this.#timer.unref();
  }

  /** Stops sampling. */
  close(): void {
    clearInterval(this.#timer);
    this.#sampler.close();
  }
}
