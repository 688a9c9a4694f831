/** Options of {@link createDebouncer}. @internal */
export interface DebounceOptions {
  /** Quiet time after the last trigger before `fn` runs. */
  waitMs: number;
  /** Longest time from the first trigger of a burst to `fn`, however busy the burst. */
  maxWaitMs: number;
}

/** A trailing-edge debouncer with a maximum wait. @internal */
export interface Debouncer {
  trigger(): void;
  cancel(): void;
}

/**
 * Runs `fn` once `waitMs` after the last of a burst of triggers, or at the latest `maxWaitMs`
 * after the first. The timer is `unref()`-ed: a pending reload never keeps the process alive.
 * @internal
 */
export function createDebouncer(fn: () => void, options: DebounceOptions): Debouncer {
  let timer: NodeJS.Timeout | undefined;
  let burstStart: number | undefined;
  const fire = (): void => {
    timer = undefined;
    burstStart = undefined;
    fn();
  };
  return {
    trigger(): void {
      const now = Date.now();
      burstStart ??= now;
      if (timer !== undefined) clearTimeout(timer);
      const wait = Math.max(0, Math.min(options.waitMs, burstStart + options.maxWaitMs - now));
      timer = setTimeout(fire, wait);
      timer.unref();
    },
    cancel(): void {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      burstStart = undefined;
    },
  };
}
