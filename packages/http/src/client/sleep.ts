import type { CallSignal } from './call-signal.ts';
import type { Clock } from './clock.ts';

/**
 * Waits `ms` on the injected clock; rejects with the signal's reason the moment it aborts.
 * @internal
 */
export function sleep(clock: Clock, ms: number, signal: CallSignal): Promise<void> {
  if (signal.reason !== undefined) return Promise.reject(signal.reason);
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    };
    const timer = clock.setTimeout(() => {
      signal.removeListener('abort', onAbort);
      resolve();
    }, ms);
    signal.once('abort', onAbort);
  });
}
