import { intOption } from '../internal/options.ts';

/** Backoff between reconnection attempts of a RabbitMQ consumer. */
export interface ReconnectOptions {
  /**
   * Wait before the first attempt, in ms; each failed attempt doubles it (with ±25 % jitter so a
   * fleet of pods does not reconnect in step), up to `maxDelayMs`.
   * @default 500
   */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts, in ms. @default 30000 */
  readonly maxDelayMs?: number;
}

/** What the reconnector runs. */
export interface ReconnectHooks {
  /** One attempt: resolves when consuming again, rejects to be retried. */
  readonly attempt: () => Promise<void>;
  /** A failed attempt, and the wait before the next. */
  readonly failed: (err: unknown, attempt: number, delayMs: number) => void;
}

/** Runs reconnection attempts with an exponential backoff until one succeeds or it is stopped. */
export interface Reconnector {
  /** Starts attempting (a no-op while already attempting or once stopped). */
  start(): void;
  /** Stops for good: the pending wait is cleared and no attempt starts after this. */
  stop(): void;
}

/** Creates a {@link Reconnector}. */
export function createReconnector(options: ReconnectOptions | undefined, hooks: ReconnectHooks): Reconnector {
  const initial = intOption('reconnect.initialDelayMs', options?.initialDelayMs, 500, 1, 3_600_000);
  const max = Math.max(initial, intOption('reconnect.maxDelayMs', options?.maxDelayMs, 30_000, 1, 3_600_000));
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let stopped = false;

  const schedule = (attempt: number): void => {
    const base = Math.min(max, initial * 2 ** (attempt - 1));
    const delayMs = Math.round(base * (0.75 + Math.random() * 0.5));
    // Not unref()-ed: while the broker is away this wait is the consumer's only pending work, and
    // a worker must wait for its broker, not exit.
    timer = setTimeout(() => {
      timer = undefined;
      if (stopped) return;
      hooks.attempt().then(
        () => {
          running = false;
        },
        (err: unknown) => {
          if (stopped) return;
          const next = Math.min(max, initial * 2 ** attempt);
          hooks.failed(err, attempt, next);
          schedule(attempt + 1);
        },
      );
    }, delayMs);
  };

  return {
    start(): void {
      if (running || stopped) return;
      running = true;
      schedule(1);
    },
    stop(): void {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
