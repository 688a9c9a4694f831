import type { z } from 'zod';
import { coerce } from './coerce.ts';
import { ConfigValidationError, type ConfigDirectoryError, type ConfigIssue } from './errors.ts';
import { expectedFromZod, makeIssue, missingIssue } from './issues.ts';
import type { ResolvedLoadOptions } from './options.ts';
import { protect, REDACTED } from './redact.ts';
import { redactUrlCredentials, urlCredentials } from './url-credentials.ts';
import type { CompiledSchema, ConfigField } from './schema/fields.ts';
import { readDirectory } from './sources/directory.ts';
import { readDotenv } from './sources/dotenv.ts';
import { checkMounts } from './sources/mount-check.ts';
import { readEnv } from './sources/env.ts';
import type { ConfigLayer, RawValue, SourceResult } from './sources/types.ts';
import { attachState, type ConfigSourceEntry } from './state.ts';

/** The outcome of one load: a protected, frozen config or the aggregated error. @internal */
export type LoadOutcome = { ok: true; config: object } | { ok: false; error: ConfigValidationError | ConfigDirectoryError };

/** Reads every source, coerces, validates and freezes. Never throws for bad input. @internal */
export function loadOnce(schema: z.ZodType, compiled: CompiledSchema, options: ResolvedLoadOptions): LoadOutcome {
  const mountError = checkMounts(options);
  if (mountError !== undefined) return { ok: false, error: mountError };
  const { fields } = compiled;
  const merged = new Map<string, RawValue>();
  const issues: ConfigIssue[] = [];
  const warnings: string[] = [];
  for (const layer of options.precedence) {
    const result = readLayer(layer, fields, options);
    for (const [key, raw] of result.values) merged.set(key, raw);
    warnings.push(...result.warnings);
    for (const p of result.problems) {
      issues.push(makeIssue(p.field.key, p.kind, { source: p.source, location: p.location }, p.detail, true));
    }
  }
  const input: Record<string, unknown> = {};
  for (const section of compiled.sections) if (!section.optional) ensure(input, section.path);
  // keys already reported (a source problem or a failed coercion): zod's view of them adds nothing
  const reported = new Set(issues.map((i) => i.key));
  for (const field of fields) {
    const raw = merged.get(field.key);
    if (raw === undefined) continue;
    const coerced = coerce(field, raw.value);
    if (coerced.ok) setAt(input, field.path, coerced.value);
    else if (!reported.has(field.key)) {
      issues.push(makeIssue(field.key, 'invalid', raw, `expected ${coerced.expected}`, field.secret || raw.secret));
      reported.add(field.key);
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const messages = new Set<string>();
    for (const zodIssue of parsed.error.issues) {
      const field = fieldAt(fields, zodIssue.path);
      if (field !== undefined && reported.has(field.key)) continue;
      const raw = field === undefined ? undefined : merged.get(field.key);
      const issue =
        field !== undefined && raw === undefined && zodIssue.code === 'invalid_type'
          ? missingIssue(field)
          : makeIssue(
              field?.key ?? (zodIssue.path.map(String).join('.') || '(root)'),
              'invalid',
              raw,
              expectedFromZod(zodIssue.message),
              (field?.secret ?? false) || (raw?.secret ?? false),
            );
      if (!messages.has(issue.message)) issues.push(issue);
      messages.add(issue.message);
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, error: new ConfigValidationError(sortIssues(issues, fields)) };
  const config = parsed.data as object;
  finish(config, fields, merged, warnings);
  return { ok: true, config };
}

function readLayer(layer: ConfigLayer, fields: readonly ConfigField[], options: ResolvedLoadOptions): SourceResult {
  const none: SourceResult = { values: new Map(), problems: [], warnings: [] };
  switch (layer) {
    case 'config-map':
      return options.configDir === undefined ? none : readDirectory(fields, options.configDir, 'config-map');
    case 'secret':
      return options.secretsDir === undefined ? none : readDirectory(fields, options.secretsDir, 'secret');
    case 'dotenv':
      return options.envFile === undefined ? none : readDotenv(fields, options.envFile);
    case 'env':
      return readEnv(fields, { vars: options.env, kind: 'env' });
  }
}

function finish(config: object, fields: readonly ConfigField[], merged: Map<string, RawValue>, warnings: string[]): void {
  const secretKeys = new Set<string>();
  const secretValues = new Set<string>();
  const entries: ConfigSourceEntry[] = [];
  for (const field of fields) {
    const raw = merged.get(field.key);
    const value = getAt(config, field.path);
    const secret = field.secret || (raw?.secret ?? false);
    if (secret) {
      secretKeys.add(field.key);
      collectStrings(value, secretValues);
      if (raw !== undefined && raw.value !== '') secretValues.add(raw.value);
    }
    // url() fields (and secret ones) hand their URL credentials to value-based log redaction too
    if (secret || field.kind === 'url' || field.itemKind === 'url') {
      for (const text of [raw?.value, ...stringsOf(value)]) {
        if (text !== undefined) for (const credential of urlCredentials(text)) secretValues.add(credential);
      }
    }
    const shown = raw?.value ?? (value === undefined ? undefined : field.defaultValue);
    entries.push(
      Object.freeze({
        key: field.key,
        source: raw?.source ?? (value === undefined ? 'unset' : 'default'),
        location: raw?.location,
        via: raw?.via,
        value: shown === undefined ? undefined : secret ? REDACTED : redactUrlCredentials(shown),
        secret,
        reloadable: field.reloadable,
        updatable: raw?.updatable ?? false,
      }),
    );
  }
  attachState(config, {
    fields,
    entries: Object.freeze(entries),
    secretKeys,
    secretValues: Object.freeze([...secretValues]),
    warnings: Object.freeze(warnings),
  });
  protect(config, '', secretKeys);
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value !== '') into.add(value);
  } else if (typeof value === 'number' || typeof value === 'bigint') into.add(String(value));
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) collectStrings(v, into);
}

function stringsOf(value: unknown): string[] {
  const into = new Set<string>();
  collectStrings(value, into);
  return [...into];
}

function fieldAt(fields: readonly ConfigField[], path: readonly PropertyKey[]): ConfigField | undefined {
  let best: ConfigField | undefined;
  for (const field of fields) {
    if (field.path.length <= path.length && field.path.every((segment, i) => String(path[i]) === segment)) {
      if (best === undefined || field.path.length > best.path.length) best = field;
    }
  }
  return best;
}

function sortIssues(issues: ConfigIssue[], fields: readonly ConfigField[]): ConfigIssue[] {
  const order = new Map(fields.map((f, i) => [f.key, i]));
  return issues.sort((a, b) => (order.get(a.key) ?? Infinity) - (order.get(b.key) ?? Infinity));
}

function ensure(target: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  let node = target;
  for (const segment of path) {
    const next = node[segment];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else node = node[segment] = {};
  }
  return node;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  ensure(target, path.slice(0, -1))[path.at(-1)!] = value;
}

function getAt(target: object, path: readonly string[]): unknown {
  let node: unknown = target;
  for (const segment of path) node = (node as Record<string, unknown> | undefined)?.[segment];
  return node;
}
