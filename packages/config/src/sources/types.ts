import type { ConfigField } from '../schema/fields.ts';

/**
 * Where a value came from:
 * - `default`: the schema's `.default()`;
 * - `config-map`: a file in the mounted ConfigMap directory;
 * - `secret`: a file in the mounted Secret directory;
 * - `dotenv`: the `.env` file;
 * - `env`: an environment variable;
 * - `file`: a file named by a `NAME_FILE` env var (or `.env` entry).
 */
export type ConfigSourceKind = 'default' | 'config-map' | 'secret' | 'dotenv' | 'env' | 'file';

/** A source that can be ordered by the `precedence` option. */
export type ConfigLayer = 'config-map' | 'secret' | 'dotenv' | 'env';

/** One raw (string) value found by a source. @internal */
export interface RawValue {
  value: string;
  source: ConfigSourceKind;
  /** Env var name or file path. */
  location: string;
  /** For `file` values: the `NAME_FILE` variable that named the file. */
  via?: string;
  /** The value came from a secret-bearing source (Secret dir, `_FILE`). */
  secret: boolean;
  /** The file lives in a kubelet-managed directory (`..data` swap), so it can update. */
  updatable: boolean;
}

/** A problem a source found while reading (unreadable file, ambiguous names). @internal */
export interface SourceProblem {
  field: ConfigField;
  kind: 'conflict' | 'unreadable';
  source: ConfigSourceKind;
  location: string;
  detail: string;
}

/** What one source read. @internal */
export interface SourceResult {
  values: Map<string, RawValue>;
  problems: SourceProblem[];
  warnings: string[];
}

/** A source reader: given the fields, returns the values it holds. @internal */
export type SourceReader = (fields: readonly ConfigField[]) => SourceResult;

/** Strips one trailing newline, as files written by `echo` or editors end with one. @internal */
export function stripNewline(text: string): string {
  return text.endsWith('\r\n') ? text.slice(0, -2) : text.endsWith('\n') ? text.slice(0, -1) : text;
}
