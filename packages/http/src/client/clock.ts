/**
 * A handle returned by {@link Clock.setTimeout}; pass it to {@link Clock.clearTimeout}.
 */
export type TimerHandle = unknown;

/**
 * Time source used for backoff delays, the retry budget window and breaker timing.
 * Inject a fake one in tests; the default is {@link systemClock}.
 *
 * Timers created through a clock must not keep the process alive (the system clock `unref()`s them).
 */
export interface Clock {
  /** Milliseconds since the epoch (or any monotonic origin: only differences are used). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer created by {@link Clock.setTimeout}. */
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The real clock: `performance.now()`-based time and `unref()`-ed Node timers.
 */
export const systemClock: Clock = Object.freeze({
  now: (): number => performance.now(),
  setTimeout: (fn: () => void, ms: number): TimerHandle => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (handle: TimerHandle): void => {
    clearTimeout(handle as NodeJS.Timeout);
  },
});

/**
 * Source of randomness in `[0, 1)` used for backoff jitter. Inject a fixed one in tests.
 * @default Math.random
 */
export type RandomSource = () => number;
