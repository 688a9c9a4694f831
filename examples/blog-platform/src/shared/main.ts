import type { z } from 'zod';
import { runMain } from '@podkit/core';
import { runService, type ServiceDefinition } from './bootstrap.ts';

/**
 * Runs a service as a process entry point through podkit's `runMain`: a startup failure (bad
 * config, a port in use, a shutdown budget that cannot fit) is printed as one line on stderr
 * with its code, and the process exits 78 (configuration) or 1.
 */
export function main<S extends z.ZodObject>(def: ServiceDefinition<S>): void {
  void runMain(() => runService(def), { name: def.name });
}
