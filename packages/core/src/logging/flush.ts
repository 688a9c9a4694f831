import type { Logger } from 'pino';

/**
 * Flushes buffered log lines of `logger`'s destination, resolving when written (or after
 * `timeoutMs`, so a broken destination cannot block exit). Never rejects.
 *
 * @default timeoutMs 1000
 * @example
 * ```ts
 * await flushLogger(logger);
 * process.exit(0);
 * ```
 */
export function flushLogger(logger: Logger, timeoutMs = 1000): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      resolve();
    };
    try {
      logger.flush(done);
    } catch {
      done();
    }
  });
}
