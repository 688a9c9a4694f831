/**
 * Loads each service's config schema (`src/<name>/config.ts`, export `configSchema`) and compiles
 * it with podkit config (`defineConfig`): its keys, names, types, defaults and flags.
 */
import { defineConfig, type ConfigDefinition } from '@podkit/config';
import type { z } from 'zod';
import type { ServiceName } from '../platform.ts';

/** The compiled config definition of one service. */
export async function loadServiceConfig(name: ServiceName | 'comment-counter'): Promise<ConfigDefinition<z.ZodObject>> {
  const mod = (await import(`../../src/${name}/config.ts`)) as { configSchema?: z.ZodObject };
  if (mod.configSchema === undefined) throw new Error(`src/${name}/config.ts does not export configSchema`);
  return defineConfig(mod.configSchema);
}
