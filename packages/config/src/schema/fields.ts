import type { z } from 'zod';
import { formatDuration } from '../duration.ts';
import { ConfigSchemaError } from '../errors.ts';
import { configMapKey, envNames, envVarName, fileNames, schemaKey } from '../names.ts';
import type { PodkitMeta } from './meta.ts';
import { defOf, unwrap, type Unwrapped } from './unwrap.ts';

/** How a source string is turned into a value before the schema validates it. */
export type ValueKind =
  | 'string'
  | 'number'
  | 'integer'
  | 'bigint'
  | 'boolean'
  | 'duration'
  | 'enum'
  | 'literal'
  | 'date'
  | 'list'
  | 'json'
  | 'url'
  | 'unknown';

/**
 * One configuration key, compiled from the schema: its names in every source, its type and
 * default, and whether it is secret or reloadable. Listed by {@link ConfigDefinition.fields}.
 */
export interface ConfigField {
  /** The key as the code sees it: `database.host`, `apiKey`. */
  readonly key: string;
  /** The schema path: `['database', 'host']`. */
  readonly path: readonly string[];
  /** The preferred environment variable name, with prefix: `DATABASE_HOST`. */
  readonly envVar: string;
  /** Every env var name accepted, preferred first (`DATABASE_HOST`, `database.host`). */
  readonly envNames: readonly string[];
  /** The preferred ConfigMap / Secret key: `database.host`, `api-key`. */
  readonly configMapKey: string;
  /** Every file name accepted in a mounted directory, preferred first. */
  readonly fileNames: readonly string[];
  /** The type in words, for docs and errors: `integer`, `duration`, `"debug" | "info"`. */
  readonly type: string;
  /** How a source string is coerced. */
  readonly kind: ValueKind;
  /** For lists: how each item is coerced. */
  readonly itemKind: ValueKind | undefined;
  /** For lists: the item separator. */
  readonly separator: string;
  /** For literals: the accepted values. */
  readonly literals: readonly unknown[];
  /** Whether the key must be set somewhere (no default, not optional). */
  readonly required: boolean;
  /** The default as it would be written in a ConfigMap, or `undefined`. */
  readonly defaultValue: string | undefined;
  /** The schema's `.describe()` text. */
  readonly description: string | undefined;
  /** Declared with {@link secret}. */
  readonly secret: boolean;
  /** Declared with {@link reloadable}. */
  readonly reloadable: boolean;
}

/** A nested `z.object` section; `optional` sections are left out of the input when empty. @internal */
export interface Section {
  path: readonly string[];
  optional: boolean;
}

/** The compiled schema. @internal */
export interface CompiledSchema {
  fields: readonly ConfigField[];
  sections: readonly Section[];
}

/** Walks a `z.object` schema into fields; throws {@link ConfigSchemaError} on name clashes. @internal */
export function compileSchema(schema: z.ZodType, prefix: string): CompiledSchema {
  const root = unwrap(schema);
  if (defOf(root.base).type !== 'object') throw new ConfigSchemaError('config schema must be a z.object(...)');
  const fields: ConfigField[] = [];
  const sections: Section[] = [];
  walk(root.base, [], prefix, fields, sections);
  checkClashes(fields);
  return { fields, sections };
}

function walk(
  object: z.ZodType,
  path: string[],
  prefix: string,
  fields: ConfigField[],
  sections: Section[],
  inherited: PodkitMeta = {},
): void {
  for (const [name, child] of Object.entries(defOf(object).shape ?? {})) {
    const childPath = [...path, name];
    const own = unwrap(child);
    // secret()/reloadable() on a whole section apply to every key in it
    const info = { ...own, meta: { ...own.meta, secret: own.meta.secret ?? inherited.secret, reloadable: own.meta.reloadable ?? inherited.reloadable } };
    const type = defOf(info.base).type;
    if (type === 'object' && info.meta.kind === undefined) {
      sections.push({ path: childPath, optional: info.optional && info.fallback === undefined });
      walk(info.base, childPath, prefix, fields, sections, { secret: info.meta.secret, reloadable: info.meta.reloadable });
    } else {
      fields.push(field(childPath, info, prefix));
    }
  }
}

function field(path: string[], info: Unwrapped, prefix: string): ConfigField {
  const { kind, type } = classify(info);
  let itemKind: ValueKind | undefined;
  let itemType = '';
  if (kind === 'list') {
    const element = defOf(info.base).element;
    if (element !== undefined) ({ kind: itemKind, type: itemType } = classify(unwrap(element)));
  }
  const separator = info.meta.separator ?? ',';
  return Object.freeze({
    key: schemaKey(path),
    path: Object.freeze(path),
    envVar: envVarName(path, prefix),
    envNames: Object.freeze(envNames(path, prefix)),
    configMapKey: configMapKey(path),
    fileNames: Object.freeze(fileNames(path)),
    type: kind === 'list' ? `list of ${itemType || 'unknown'}` : type,
    kind,
    itemKind,
    separator,
    literals: Object.freeze(kind === 'literal' ? (defOf(info.base).values ?? []) : []),
    required: !info.optional,
    defaultValue: info.fallback === undefined ? undefined : formatDefault(info.fallback, kind, separator),
    description: info.description,
    secret: info.meta.secret === true,
    reloadable: info.meta.reloadable === true,
  });
}

function classify(info: Unwrapped): { kind: ValueKind; type: string } {
  if (info.meta.kind === 'duration') return { kind: 'duration', type: 'duration' };
  if (info.meta.kind === 'json') return { kind: 'json', type: 'JSON' };
  if (info.meta.kind === 'url') return { kind: 'url', type: 'URL' };
  const def = defOf(info.base);
  switch (def.type) {
    case 'string':
      return { kind: 'string', type: def.format === undefined ? 'string' : `string (${def.format})` };
    case 'number': {
      const int = [def.format, ...(def.checks ?? []).map((c) => c._zod.def.format)].some(
        (f) => f === 'safeint' || f === 'int32' || f === 'uint32',
      );
      return int ? { kind: 'integer', type: 'integer' } : { kind: 'number', type: 'number' };
    }
    case 'bigint':
      return { kind: 'bigint', type: 'integer' };
    case 'boolean':
      return { kind: 'boolean', type: 'boolean' };
    case 'date':
      return { kind: 'date', type: 'date' };
    case 'enum':
      return { kind: 'enum', type: Object.values(def.entries ?? {}).map((v) => JSON.stringify(v)).join(' | ') };
    case 'literal':
      return { kind: 'literal', type: (def.values ?? []).map((v) => JSON.stringify(v)).join(' | ') };
    case 'array':
      return { kind: 'list', type: 'list' };
    case 'record':
    case 'object':
      return { kind: 'json', type: 'JSON object' };
    default:
      return { kind: 'unknown', type: def.type };
  }
}

function formatDefault(fallback: NonNullable<Unwrapped['fallback']>, kind: ValueKind, separator: string): string {
  const { value, isInput } = fallback;
  if (typeof value === 'string') return value;
  if (kind === 'duration' && !isInput && typeof value === 'number') return formatDuration(value);
  if (kind === 'list' && Array.isArray(value) && value.every((v) => typeof v !== 'object')) {
    return value.map(String).join(separator);
  }
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

function checkClashes(fields: readonly ConfigField[]): void {
  const owners = new Map<string, string>();
  const clash = (name: string, key: string, what: string): void => {
    const owner = owners.get(`${what}:${name}`);
    if (owner !== undefined && owner !== key) {
      throw new ConfigSchemaError(`config keys ${owner} and ${key} both map to the ${what} ${name}; rename one`);
    }
    owners.set(`${what}:${name}`, key);
  };
  for (const f of fields) {
    for (const name of f.envNames) clash(name, f.key, 'environment variable');
    for (const name of f.fileNames) clash(name, f.key, 'file name');
  }
}
