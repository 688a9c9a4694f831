import type { CallSignal } from './call-signal.ts';

/**
 * Concurrency limit with a bounded FIFO queue. `acquire()` resolves when a slot is free,
 * rejects with `onReject()`'s error when the queue is full, and with the signal's reason when
 * the waiting caller gives up.
 * @internal
 */
export class Bulkhead {
  readonly #max: number;
  readonly #maxQueue: number;
  readonly #queue: { resolve: () => void; reject: (e: unknown) => void; settled: boolean }[] = [];
  #active = 0;

  constructor(maxConcurrent: number, maxQueue: number) {
    this.#max = maxConcurrent;
    this.#maxQueue = maxQueue;
  }

  /** Calls in flight. */
  get active(): number {
    return this.#active;
  }

  /** Takes a slot synchronously if one is free. */
  tryAcquire(): boolean {
    if (this.#active < this.#max) {
      this.#active++;
      return true;
    }
    return false;
  }

  /** Waits for a slot; `null` when the queue is full. */
  enqueue(signal: CallSignal): Promise<void> | null {
    if (this.#queue.length >= this.#maxQueue) return null;
    return new Promise<void>((resolve, reject) => {
      const entry = { resolve, reject, settled: false };
      this.#queue.push(entry);
      signal.once('abort', () => {
        if (entry.settled) return;
        entry.settled = true;
        const i = this.#queue.indexOf(entry);
        if (i >= 0) this.#queue.splice(i, 1);
        reject(signal.reason ?? new Error('aborted'));
      });
    });
  }

  /** Frees a slot, handing it to the first waiter. */
  release(): void {
    for (;;) {
      const next = this.#queue.shift();
      if (next === undefined) break;
      if (next.settled) continue;
      next.settled = true;
      next.resolve();
      return;
    }
    this.#active--;
  }
}
