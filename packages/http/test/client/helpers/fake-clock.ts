import type { Clock, TimerHandle } from '../../../src/client/clock.ts';

interface FakeTimer {
  at: number;
  ms: number;
  fn: () => void;
}

/** A manual clock for backoff and breaker timing: time moves only with `advance()`. */
export class FakeClock implements Clock {
  #now = 1_000_000;
  readonly #timers = new Set<FakeTimer>();
  #watchers: { match: (ms: number) => boolean; resolve: () => void }[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { at: this.#now + ms, ms, fn };
    this.#timers.add(timer);
    this.#watchers = this.#watchers.filter((w) => {
      if (!w.match(ms)) return true;
      w.resolve();
      return false;
    });
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as FakeTimer);
  }

  /** Pending timers' delays. */
  pending(): number[] {
    return [...this.#timers].map((t) => t.ms);
  }

  /** Resolves when a timer whose delay matches is scheduled (or already pending). */
  waitForTimer(match: (ms: number) => boolean): Promise<void> {
    if ([...this.#timers].some((t) => match(t.ms))) return Promise.resolve();
    return new Promise((resolve) => this.#watchers.push({ match, resolve }));
  }

  /** Moves time forward, running due timers in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: FakeTimer | undefined;
      for (const t of this.#timers) if (t.at <= target && (next === undefined || t.at < next.at)) next = t;
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#now = next.at;
      next.fn();
    }
    this.#now = target;
  }
}
