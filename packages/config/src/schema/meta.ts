import type { z } from 'zod';
import type { DurationUnit } from '../duration.ts';

/**
 * What podkit stores in a schema's zod metadata (under the `podkit` key of `.meta()`), set by the
 * helpers in `helpers.ts` and read when the schema is compiled.
 * @internal
 */
export interface PodkitMeta {
  secret?: boolean;
  reloadable?: boolean;
  kind?: 'duration' | 'json' | 'list' | 'url';
  unit?: DurationUnit;
  separator?: string;
}

interface Described {
  meta(): Record<string, unknown> | undefined;
  meta(data: Record<string, unknown>): unknown;
}

/** Reads the podkit metadata of one schema node (not its wrappers). @internal */
export function readMeta(schema: z.ZodType): PodkitMeta {
  const meta = (schema as unknown as Described).meta();
  const podkit = meta?.['podkit'];
  return typeof podkit === 'object' && podkit !== null ? (podkit) : {};
}

/** Returns a copy of `schema` with `patch` merged into its podkit metadata. @internal */
export function withMeta<T extends z.ZodType>(schema: T, patch: PodkitMeta): T {
  return (schema as unknown as Described).meta({ podkit: { ...readMeta(schema), ...patch } }) as T;
}
