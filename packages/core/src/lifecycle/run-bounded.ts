/** Outcome of {@link runBounded}. */
export type BoundedOutcome<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'timeout' };

/**
 * Runs `fn` with an abort signal and settles at the latest after `timeoutMs` (the signal is
 * aborted then, and `fn`'s promise abandoned). Never rejects. The timer is unref'ed.
 */
export function runBounded<T>(fn: (signal: AbortSignal) => T | Promise<T>, timeoutMs: number): Promise<BoundedOutcome<T>> {
  const controller = new AbortController();
  return new Promise<BoundedOutcome<T>>((resolve) => {
    const timer = setTimeout(
      () => {
        controller.abort(new Error(`timed out after ${String(timeoutMs)} ms`));
        resolve({ kind: 'timeout' });
      },
      Math.max(0, timeoutMs),
    );
    timer.unref();
    Promise.resolve()
      .then(() => fn(controller.signal))
      .then(
        (value) => resolve({ kind: 'done', value }),
        (error: unknown) => resolve({ kind: 'failed', error }),
      )
      .finally(() => clearTimeout(timer));
  });
}

/** Resolves after `ms` on an unref'ed timer. */
export function delay(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
