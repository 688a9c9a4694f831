/**
 * A level-free notifier: `wait()` resolves at the next `notify()`. The rollout loop waits on it
 * for any pod state change instead of polling.
 * @internal
 */
export class ChangeSignal {
  #waiters: (() => void)[] = [];

  /** Resolves at the next {@link ChangeSignal.notify}. */
  wait(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Wakes every waiter. */
  notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
