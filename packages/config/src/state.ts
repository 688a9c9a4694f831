import type { ConfigField } from './schema/fields.ts';
import type { ConfigSourceKind } from './sources/types.ts';

/**
 * Where one key's value came from, for a startup log line an operator can trust.
 * Listed by {@link configSources}.
 */
export interface ConfigSourceEntry {
  /** The key as the code sees it: `database.host`. */
  readonly key: string;
  /** The source that supplied the value, or `unset` for an optional key set nowhere. */
  readonly source: ConfigSourceKind | 'unset';
  /** Env var name or file path (`DATABASE_HOST`, `/etc/config/database.host`); absent for defaults. */
  readonly location: string | undefined;
  /** For `file` sources: the `NAME_FILE` variable that named the file. */
  readonly via: string | undefined;
  /**
   * The value as a string (the source text or the default), `[redacted]` when secret, with URL
   * credentials masked otherwise (`postgres://blog:[redacted]@db/blog`).
   */
  readonly value: string | undefined;
  /** Declared secret, or read from a Secret directory or `NAME_FILE`. */
  readonly secret: boolean;
  /** Declared with `reloadable()`. */
  readonly reloadable: boolean;
  /** The value can change while the process runs (it lives in a kubelet-managed directory). */
  readonly updatable: boolean;
}

/** What podkit remembers about a loaded config object. @internal */
export interface ConfigState {
  fields: readonly ConfigField[];
  entries: readonly ConfigSourceEntry[];
  secretKeys: ReadonlySet<string>;
  secretValues: readonly string[];
  warnings: readonly string[];
}

/** Stored under a registered symbol so two copies of this package agree. @internal */
export const STATE: unique symbol = Symbol.for('@podkit/config.state') as never;

/** Attaches `state` to a config root (non-enumerable). @internal */
export function attachState(config: object, state: ConfigState): void {
  Object.defineProperty(config, STATE, { value: state });
}

/** Reads the state of a loaded config, or throws a `TypeError` for any other object. @internal */
export function stateOf(config: object): ConfigState {
  const state = (config as { [STATE]?: ConfigState })[STATE];
  if (state === undefined) throw new TypeError('not a config object returned by @podkit/config');
  return state;
}
