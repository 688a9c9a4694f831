import type { Clock } from './clock.ts';

/**
 * A Finagle-style retry budget shared by every call of a client: over a sliding window,
 * retries may not exceed `ratio × calls + minPerSecond × window seconds`. Under a sustained
 * outage the upstream sees at most ~(1 + ratio)× normal load instead of `maxAttempts`×.
 * @internal
 */
export class RetryBudget {
  readonly #clock: Clock;
  readonly #ratio: number;
  readonly #floor: number;
  readonly #bucketMs: number;
  readonly #calls: number[];
  readonly #retries: number[];
  #bucketStart: number;
  #index = 0;
  #callSum = 0;
  #retrySum = 0;

  constructor(clock: Clock, options: { ratio: number; minPerSecond: number; windowMs: number }, buckets = 10) {
    this.#clock = clock;
    this.#ratio = options.ratio;
    this.#floor = (options.minPerSecond * options.windowMs) / 1000;
    this.#bucketMs = options.windowMs / buckets;
    this.#calls = new Array<number>(buckets).fill(0);
    this.#retries = new Array<number>(buckets).fill(0);
    this.#bucketStart = clock.now();
  }

  #rotate(): void {
    const now = this.#clock.now();
    let steps = Math.floor((now - this.#bucketStart) / this.#bucketMs);
    if (steps <= 0) return;
    this.#bucketStart += steps * this.#bucketMs;
    const n = this.#calls.length;
    if (steps > n) steps = n;
    for (let i = 0; i < steps; i++) {
      this.#index = (this.#index + 1) % n;
      this.#callSum -= this.#calls[this.#index] as number;
      this.#retrySum -= this.#retries[this.#index] as number;
      this.#calls[this.#index] = 0;
      this.#retries[this.#index] = 0;
    }
  }

  /** Records a new call (not a retry). */
  recordCall(): void {
    this.#rotate();
    this.#calls[this.#index] = (this.#calls[this.#index] as number) + 1;
    this.#callSum++;
  }

  /** Takes one retry from the budget; `false` when it is spent. */
  tryRetry(): boolean {
    this.#rotate();
    if (this.#retrySum + 1 > this.#ratio * this.#callSum + this.#floor) return false;
    this.#retries[this.#index] = (this.#retries[this.#index] as number) + 1;
    this.#retrySum++;
    return true;
  }
}
