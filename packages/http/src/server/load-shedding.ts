import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ELDHistogram } from 'node:perf_hooks';
import { HttpOptionsError } from './errors.ts';

/**
 * Options of load shedding: on by default in `serve()` (`loadShedding: false` turns it off).
 * Probes and `/metrics` are never shed.
 */
export interface LoadSheddingOptions {
  /**
   * Shed a request (503 + `Retry-After`) when the event-loop turn reading it has already run
   * this many milliseconds. A saturated loop then spends about this long (plus one request) per
   * turn on application requests before it reads the next probe, instead of every queued
   * request's worth; see the figures in `docs/http-server.md`.
   * @default 200
   */
  maxEventLoopDelayMs?: number;
  /**
   * Also turn on the window rule: when a window's p99 event-loop delay exceeds
   * `maxEventLoopDelayMs`, every new request is shed for the next window. Stricter, and
   * triggered by one long pause; off unless a window length is given.
   * @default undefined (off)
   */
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

/** The turn rule's clock in ms (injectable for tests). @internal */
export type TurnClock = () => number;

/** How often the start of an event-loop turn is recorded (an unref'ed timer). @internal */
export const TURN_HEARTBEAT_MS = 10;

function eventLoopDelaySampler(): DelaySampler {
  const histogram: ELDHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    p99Ms: () => (histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0),
    reset: () => histogram.reset(),
    close: () => histogram.disable(),
  };
}

const processClock: TurnClock = () => performance.now();

/**
 * Decides, per request, whether to shed it. The turn rule: a heartbeat timer (every
 * {@link TURN_HEARTBEAT_MS}, in the loop's timers phase) records when the current turn began;
 * a request read in a turn that has already run longer than the threshold is shed. Its cost is
 * one clock read per request. The optional window rule sets {@link overloaded}.
 * @internal
 */
export class LoadShedder {
  /** Window rule: every new non-probe request is shed while set. */
  overloaded = false;
  /** The `Retry-After` header value. */
  readonly retryAfter: string;
  readonly #maxMs: number;
  readonly #clock: TurnClock;
  readonly #sampler: DelaySampler | undefined;
  readonly #timers: NodeJS.Timeout[] = [];
  #turnStart: number;

  constructor(options: LoadSheddingOptions, sampler?: DelaySampler, clock: TurnClock = processClock) {
    const maxMs = options.maxEventLoopDelayMs ?? 200;
    const windowMs = options.windowMs;
    const retry = options.retryAfterSeconds ?? 1;
    if (!(maxMs > 0)) throw new HttpOptionsError('loadShedding.maxEventLoopDelayMs', `expected a positive number, got ${String(maxMs)}`);
    if (windowMs !== undefined && !(windowMs >= 10)) throw new HttpOptionsError('loadShedding.windowMs', `expected a number >= 10, got ${String(windowMs)}`);
    if (!Number.isInteger(retry) || retry < 0) throw new HttpOptionsError('loadShedding.retryAfterSeconds', `expected a non-negative integer, got ${String(retry)}`);
    this.retryAfter = String(retry);
    this.#maxMs = maxMs;
    this.#clock = clock;
    this.#turnStart = clock();
    this.#timers.push(
      setInterval(() => {
        this.#turnStart = clock();
      }, TURN_HEARTBEAT_MS),
    );
    if (windowMs !== undefined) {
      const source = sampler ?? eventLoopDelaySampler();
      this.#sampler = source;
      this.#timers.push(
        setInterval(() => {
          this.overloaded = source.p99Ms() > maxMs;
          source.reset();
        }, windowMs),
      );
    }
    for (const timer of this.#timers) timer.unref();
  }

  /** Whether the request being read now should be shed. */
  shouldShed(): boolean {
    return this.overloaded || this.#clock() - this.#turnStart > this.#maxMs;
  }

  /** Stops the timers and sampling. */
  close(): void {
    for (const timer of this.#timers) clearInterval(timer);
    this.#sampler?.close();
  }
}
