import { runMain } from '@podkit/core';
import type { z } from 'zod';
import type { ServiceDefinition } from './definition.ts';
import { startService, type StartOptions } from './start.ts';

/** Options of {@link runService}: {@link StartOptions} plus where the error line goes. */
export interface RunOptions extends StartOptions {
  /** Where a startup failure's one line is written. @default process.stderr */
  readonly stderr?: { write(text: string): unknown };
}

/**
 * A service's whole entry point: {@link startService} under `runMain`. When startup fails, one
 * line goes to stderr, prefixed with the service name: an invalid config lists every problem and
 * exits 78 (`EX_CONFIG`), as does a `ConfigurationError` thrown by `setup`; another podkit error
 * prints its message and code and exits 1; anything else (a bug) prints its stack and exits 1.
 * Once started, the lifecycle owns the process: SIGTERM drains, runs the hooks and exits 0.
 *
 * @example
 * ```ts
 * // main.ts
 * import { runService } from '@podkit/service';
 * import { greeter } from './service.ts';
 *
 * await runService(greeter);
 * ```
 */
export function runService<S extends z.ZodObject>(definition: ServiceDefinition<S>, options: RunOptions = {}): Promise<void> {
  const name = typeof definition === 'object' && definition !== null && typeof definition.name === 'string' && definition.name !== '' ? definition.name : undefined;
  return runMain(() => startService(definition, options), {
    ...(name === undefined ? {} : { name }),
    ...(options.exit === undefined ? {} : { exit: options.exit }),
    ...(options.stderr === undefined ? {} : { stderr: options.stderr }),
  });
}
