import { readFileSync } from 'node:fs';
import type { ConfigField } from '../schema/fields.ts';
import { stripNewline, type RawValue, type SourceProblem, type SourceResult } from './types.ts';

/** Options of {@link readEnv}. @internal */
export interface EnvSourceOptions {
  vars: Readonly<Record<string, string | undefined>>;
  kind: 'env' | 'dotenv';
  /** Label used in locations, e.g. `.env` path for dotenv. */
  label?: string;
}

/**
 * Reads fields from environment variables. For each field the preferred name (`DATABASE_HOST`)
 * wins over the literal ConfigMap-style names (`database.host`) that `envFrom` passes through, so
 * an explicit `env:` entry overrides an `envFrom:` ConfigMap as in a pod spec. `NAME_FILE=/path`
 * reads the value from that file; setting both `NAME` and `NAME_FILE` is a conflict.
 * @internal
 */
export function readEnv(fields: readonly ConfigField[], options: EnvSourceOptions): SourceResult {
  const values = new Map<string, RawValue>();
  const problems: SourceProblem[] = [];
  const where = (name: string): string => (options.label === undefined ? name : `${name} in ${options.label}`);
  for (const field of fields) {
    const name = field.envNames.find((n) => options.vars[n] !== undefined);
    const fileVar = `${field.envVar}_FILE`;
    const filePath = options.vars[fileVar];
    if (filePath !== undefined && name !== undefined) {
      problems.push({
        field,
        kind: 'conflict',
        source: options.kind,
        location: where(name),
        detail: `both ${name} and ${fileVar} are set; set only one`,
      });
      continue;
    }
    if (filePath !== undefined) {
      try {
        const value = stripNewline(readFileSync(filePath, 'utf8'));
        values.set(field.key, { value, source: 'file', location: filePath, via: fileVar, secret: true, updatable: false });
      } catch (error) {
        problems.push({ field, kind: 'unreadable', source: 'file', location: filePath, detail: describeFsError(error, fileVar) });
      }
    } else if (name !== undefined) {
      const value = options.vars[name] as string;
      values.set(field.key, { value, source: options.kind, location: where(name), secret: false, updatable: false });
    }
  }
  return { values, problems, warnings: [] };
}

/** A short reason for a failed file read: `file not found (named by DB_PASSWORD_FILE)`. @internal */
export function describeFsError(error: unknown, via?: string): string {
  const code = (error as { code?: string }).code;
  const reason =
    code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : `cannot read file (${code ?? String(error)})`;
  return via === undefined ? reason : `${reason} (named by ${via})`;
}
