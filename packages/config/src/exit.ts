import type { z } from 'zod';
import { toDefinition, type Config, type ConfigDefinition } from './define.ts';
import { isConfigError } from './errors.ts';
import type { LoadOptions } from './options.ts';

/** The exit status used for invalid configuration: `EX_CONFIG` from `sysexits.h`. */
export const EXIT_CONFIG = 78;

/** Options of {@link loadConfigOrExit}: {@link LoadOptions} plus where to report and how to exit. */
export interface ExitOptions extends LoadOptions {
  /**
   * Ends the process. Injected so library code never calls `process.exit` itself.
   * @default process.exit
   */
  exit?: (code: number) => void;
  /**
   * Where the error message is written.
   * @default process.stderr
   */
  stderr?: { write(text: string): unknown };
  /**
   * Exit status for invalid configuration.
   * @default 78 (EX_CONFIG)
   */
  exitCode?: number;
}

/**
 * Loads the config for a service's entry point: on a `ConfigError` writes the message alone
 * (every problem, no stack trace) to stderr and exits with status 78; anything else (a bug) is
 * rethrown untouched. If an injected `exit` returns, the error is thrown so the service never
 * runs without config.
 *
 * @example
 * ```ts
 * // main.ts
 * const config = loadConfigOrExit(schema);
 * ```
 */
export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S | ConfigDefinition<S>,
  options: ExitOptions = {},
): Config<S> {
  const { exit = (code: number) => process.exit(code), stderr = process.stderr, exitCode = EXIT_CONFIG, ...load } = options;
  try {
    return toDefinition(schema).load(load);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    stderr.write(`${error.message}\n`);
    exit(exitCode);
    throw error;
  }
}
