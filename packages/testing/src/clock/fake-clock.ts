import { TestingOptionsError } from '../errors.ts';

/** A handle returned by {@link FakeClock.setTimeout}. */
export type FakeTimerHandle = object;

interface FakeTimer {
  readonly at: number;
  readonly ms: number;
  readonly fn: () => void;
}

/**
 * A manual clock: time moves only when the test calls {@link FakeClock.advance} (or
 * {@link FakeClock.tick}). It has the shape of podkit's injectable clocks, so one instance
 * drives them all: `createClient({ clock })` (backoff, retry budget, breaker timing) takes it
 * whole, `createHealth({ now: clock.now })` and anything that takes a `now()` function take its
 * bound `now`.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const client = createClient({ service, name: 'up', baseUrl, clock });
 * const call = client.get('/x');           // first attempt fails, a backoff timer is scheduled
 * await clock.waitForTimer((ms) => ms > 0);
 * clock.advance(1_000);                     // the retry runs now
 * ```
 */
export class FakeClock {
  #now: number;
  readonly #timers = new Set<FakeTimer>();
  #watchers: { match: (ms: number) => boolean; resolve: () => void }[] = [];

  /** @param start - the initial time in ms. @default 1_000_000 */
  constructor(start = 1_000_000) {
    if (!Number.isFinite(start)) throw new TestingOptionsError(`FakeClock start must be a finite number of ms, got ${String(start)}`);
    this.#now = start;
  }

  /** The current fake time in ms (bound: pass `clock.now` where a `() => number` is wanted). */
  readonly now = (): number => this.#now;

  /** Schedules `fn` at now + `ms` (negative delays count as 0). */
  setTimeout(fn: () => void, ms: number): FakeTimerHandle {
    const delay = Math.max(0, ms);
    const timer: FakeTimer = { at: this.#now + delay, ms: delay, fn };
    this.#timers.add(timer);
    this.#watchers = this.#watchers.filter((w) => {
      if (!w.match(delay)) return true;
      w.resolve();
      return false;
    });
    return timer;
  }

  /** Cancels a timer created by {@link FakeClock.setTimeout}; unknown handles are ignored. */
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as FakeTimer);
  }

  /** The delays (ms, as scheduled) of the pending timers, soonest first. */
  pending(): number[] {
    return [...this.#timers].sort((a, b) => a.at - b.at).map((t) => t.ms);
  }

  /** Resolves when a timer whose delay matches is scheduled (at once if one is pending). */
  waitForTimer(match: (ms: number) => boolean = () => true): Promise<void> {
    if ([...this.#timers].some((t) => match(t.ms))) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ match, resolve }));
  }

  /** Moves time forward by `ms`, running due timers in time order (timers they schedule included). */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new TestingOptionsError(`FakeClock.advance(ms) needs a non-negative number, got ${String(ms)}`);
    const target = this.#now + ms;
    for (let next = this.#due(target); next !== undefined; next = this.#due(target)) {
      this.#timers.delete(next);
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
  }

  /**
   * Like {@link FakeClock.advance}, but lets pending promise callbacks and I/O run after each
   * timer (one `setImmediate` turn), so code that awaits between timers makes progress.
   */
  async tick(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new TestingOptionsError(`FakeClock.tick(ms) needs a non-negative number, got ${String(ms)}`);
    const target = this.#now + ms;
    for (let next = this.#due(target); next !== undefined; next = this.#due(target)) {
      this.#timers.delete(next);
      this.#now = next.at;
      next.fn();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.#now = target;
  }

  #due(target: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const t of this.#timers) if (t.at <= target && (next === undefined || t.at < next.at)) next = t;
    return next;
  }
}
