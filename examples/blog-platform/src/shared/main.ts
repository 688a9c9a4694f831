import type { z } from 'zod';
import { runService, type ServiceDefinition } from './bootstrap.ts';

/**
 * Runs a service as a process entry point: a startup failure (bad config, database down for
 * good, bad signing key) is printed as one line on stderr and exits non-zero.
 */
export function main<S extends z.ZodObject>(def: ServiceDefinition<S>): void {
  runService(def).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${def.name}: startup failed: ${message}\n`);
    process.exitCode = (err as { code?: unknown }).code === 'ERR_CONFIG_VALIDATION' ? 78 : 1;
    setTimeout(() => process.exit(), 100).unref();
  });
}
