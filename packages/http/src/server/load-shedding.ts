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
  readonly #histogram: ELDHistogram;
  readonly #timer: NodeJS.Timeout;

  constructor(options: LoadSheddingOptions) {
    const maxMs = options.maxEventLoopDelayMs ?? 200;
    const windowMs = options.windowMs ?? 1000;
    const retry = options.retryAfterSeconds ?? 1;
    if (!(maxMs > 0)) throw new HttpOptionsError('loadShedding.maxEventLoopDelayMs', `expected a positive number, got ${String(maxMs)}`);
    if (!(windowMs >= 10)) throw new HttpOptionsError('loadShedding.windowMs', `expected a number >= 10, got ${String(windowMs)}`);
    if (!Number.isInteger(retry) || retry < 0) throw new HttpOptionsError('loadShedding.retryAfterSeconds', `expected a non-negative integer, got ${String(retry)}`);
    this.retryAfter = String(retry);
    this.#histogram = monitorEventLoopDelay({ resolution: 10 });
    this.#histogram.enable();
    const maxNs = maxMs * 1e6;
    this.#timer = setInterval(() => {
      this.overloaded = this.#histogram.count > 0 && this.#histogram.percentile(99) > maxNs;
      this.#histogram.reset();
    }, windowMs);
    this.#timer.unref();
  }

  /** Stops sampling. */
  close(): void {
    clearInterval(this.#timer);
    this.#histogram.disable();
  }
}
