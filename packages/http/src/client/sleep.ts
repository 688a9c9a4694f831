import type { CallSignal } from './call-signal.ts';
import type { Clock } from './clock.ts';

/** Longest delay Node's timers accept: the keep-alive handle of a sleep never fires. */
const HOLD_MS = 2 ** 31 - 1;
const noop = (): void => {};

/**
 * Waits `ms` on the injected clock; rejects with the signal's reason the moment it aborts.
 *
 * The clock's timers are `unref()`-ed (they must not hold a process for a background task), but a
 * caller awaits this one: while it waits (a retry backoff, a `Retry-After`) nothing else may hold
 * the event loop, so a ref'ed handle keeps the process alive until the sleep settles. Without it a
 * script or a Kubernetes Job would exit mid-call (an unsettled top-level await, exit 13).
 * @internal
 */
export function sleep(clock: Clock, ms: number, signal: CallSignal): Promise<void> {
  if (signal.reason !== undefined) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const hold = setInterval(noop, HOLD_MS);
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      clearInterval(hold);
      reject(signal.reason ?? new Error('aborted'));
    };
    const timer = clock.setTimeout(() => {
      clearInterval(hold);
      signal.removeListener('abort', onAbort);
      resolve();
    }, ms);
    signal.once('abort', onAbort);
  });
}
