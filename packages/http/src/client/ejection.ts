import type { Clock } from './clock.ts';

/**
 * Outlier ejection between replicas (as Envoy's `outlier_detection`): an origin that refused a
 * connection is left out of the balancer for `durationMs`, but never more than `maxEjected`
 * origins at once, so a client whose every replica refuses still tries them rather than failing
 * without a call. Only made for clients with several origins.
 * @internal
 */
export class OutlierEjector {
  readonly #clock: Clock;
  readonly #durationMs: number;
  readonly #maxEjected: number;
  /** Origin → time its ejection ends. */
  readonly #until = new Map<string, number>();

  constructor(clock: Clock, origins: number, options: { readonly durationMs: number; readonly maxEjectedRatio: number }) {
    this.#clock = clock;
    this.#durationMs = options.durationMs;
    this.#maxEjected = Math.max(1, Math.floor(origins * options.maxEjectedRatio));
    if (origins < 2) this.#maxEjected = 0;
  }

  /** Whether any origin is (or was recently) ejected: the balancer's fast path skips the check otherwise. */
  get active(): boolean {
    return this.#until.size > 0;
  }

  /** Ejects `origin`, unless the cap is reached. Returns whether it is ejected now. */
  eject(origin: string): boolean {
    const now = this.#clock.now();
    for (const [o, until] of this.#until) if (until <= now) this.#until.delete(o);
    if (this.#until.has(origin)) return true;
    if (this.#until.size >= this.#maxEjected) return false;
    this.#until.set(origin, now + this.#durationMs);
    return true;
  }

  /** Whether `origin` is ejected now. */
  isEjected(origin: string): boolean {
    const until = this.#until.get(origin);
    if (until === undefined) return false;
    if (until > this.#clock.now()) return true;
    this.#until.delete(origin);
    return false;
  }

  /** `origin` answered: it is back. */
  restore(origin: string): void {
    if (this.#until.size > 0) this.#until.delete(origin);
  }
}
