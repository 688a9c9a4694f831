import type { z } from 'zod';
import { readMeta, type PodkitMeta } from './meta.ts';

/** The zod definition fields podkit reads while walking a schema. @internal */
export interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  getter?: () => z.ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  entries?: Record<string, string | number>;
  values?: unknown[];
  format?: string;
  checks?: { _zod: { def: { check?: string; format?: string } } }[];
}

/** The zod definition of a schema node. @internal */
export function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** A schema node with its wrappers (`optional`, `default`, `pipe`, ...) peeled off. @internal */
export interface Unwrapped {
  base: z.ZodType;
  meta: PodkitMeta;
  optional: boolean;
  description: string | undefined;
  /** Set when the schema has `.default(v)` (an output value) or `.prefault(v)` (an input value). */
  fallback: { value: unknown; isInput: boolean } | undefined;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Peels wrappers off `schema`, merging podkit metadata (outer wins) along the way. @internal */
export function unwrap(schema: z.ZodType): Unwrapped {
  let node = schema;
  let meta: PodkitMeta = {};
  let optional = false;
  let description: string | undefined;
  let fallback: Unwrapped['fallback'];
  for (let depth = 0; depth < 64; depth += 1) {
    meta = { ...readMeta(node), ...meta };
    description ??= (node as { description?: string }).description;
    if (readMeta(node).kind !== undefined) break;
    const def = defOf(node);
    if (WRAPPERS.has(def.type) && def.innerType !== undefined) {
      if (def.type === 'optional') optional = true;
      if (def.type === 'nonoptional') optional = false;
      if (def.type === 'default' || def.type === 'prefault') {
        optional = true;
        fallback ??= { value: def.defaultValue, isInput: def.type === 'prefault' };
      }
      node = def.innerType;
    } else if (def.type === 'pipe' && def.in !== undefined) {
      node = def.in;
    } else if (def.type === 'lazy' && def.getter !== undefined) {
      node = def.getter();
    } else {
      break;
    }
  }
  return { base: node, meta, optional, description, fallback };
}
