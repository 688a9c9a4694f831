import { statSync, watch as fsWatch, type FSWatcher } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { createDebouncer } from './debounce.ts';
import { toDefinition, type Config, type ConfigDefinition } from './define.ts';
import { ConfigWatchError, type ConfigDirectoryError, type ConfigError, type ConfigValidationError } from './errors.ts';
import { loadOnce } from './load.ts';
import { resolveLoadOptions, type LoadOptions } from './options.ts';
import { reloadWarnings, reloadWarningsApply } from './reload-warnings.ts';
import { compileSchema } from './schema/fields.ts';
import { stateOf } from './state.ts';

/** Options of {@link watchConfig}: {@link LoadOptions} plus reload behaviour. */
export interface WatchOptions<S extends z.ZodType> extends LoadOptions {
  /**
   * Quiet time after the last directory event before re-reading, so one ConfigMap update (several
   * events) or a burst of updates causes one reload. A reload happens at the latest after
   * `10 × debounceMs` of continuous events.
   * @default 100
   */
  debounceMs?: number;
  /** An already loaded config to start from (e.g. from `loadConfigOrExit`); loaded if absent. */
  initial?: Config<S>;
  /**
   * Called once per startup warning (see {@link ConfigWatcher.warnings}), and with the message of
   * a rejected update or watch failure while no error listener is registered.
   */
  onWarning?: (message: string) => void;
}

/** What change listeners receive when a valid update was applied. */
export interface ConfigChange<S extends z.ZodType> {
  /** The new frozen config, now {@link ConfigWatcher.current}. */
  readonly config: Config<S>;
  /** The config it replaced. */
  readonly previous: Config<S>;
  /** Keys whose value changed (`log.level`), in schema order. */
  readonly changed: readonly string[];
  /** The changed keys not declared `reloadable()`: the service must restart to apply them. */
  readonly restartRequired: readonly string[];
}

/** Reload counters, e.g. for a metric. */
export interface WatchStats {
  /** Re-reads performed. */
  readonly reloads: number;
  /** Re-reads that changed the config. */
  readonly applied: number;
  /** Re-reads that failed validation (the last good config was kept). */
  readonly rejected: number;
  /** Re-reads that found nothing changed. */
  readonly unchanged: number;
}

/**
 * A live config: {@link ConfigWatcher.current} always holds the last valid config. Never keeps
 * the process alive; call {@link ConfigWatcher.close} to stop watching.
 */
export interface ConfigWatcher<S extends z.ZodType> {
  /** The last good config. */
  readonly current: Config<S>;
  /** The directories being watched (existing ConfigMap and Secret directories). */
  readonly watching: readonly string[];
  /**
   * Startup warnings: reloadable keys that can only come from a source that never updates.
   * Only in Kubernetes (`KUBERNETES_SERVICE_HOST` set) or when a ConfigMap/Secret directory was
   * named explicitly; locally on the default locations there is nothing to warn about.
   */
  readonly warnings: readonly string[];
  /** Reload counters. */
  readonly stats: WatchStats;
  /** Adds a listener for applied updates; returns a function that removes it. */
  onChange(listener: (change: ConfigChange<S>) => void): () => void;
  /**
   * Adds a listener for rejected updates (`ConfigValidationError`, or `ConfigDirectoryError`
   * when a named directory disappeared; the last good config is kept) and watch failures
   * (`ConfigWatchError`); returns a function that removes it.
   */
  onError(listener: (error: ConfigError) => void): () => void;
  /** Re-reads now (what a directory event triggers after the debounce); returns the outcome. */
  reload(): { ok: true; changed: readonly string[] } | { ok: false; error: ConfigValidationError | ConfigDirectoryError };
  /** Stops watching; idempotent. */
  close(): void;
}

/**
 * Watches the mounted ConfigMap and Secret directories and re-validates on every update.
 *
 * Kubernetes updates a mounted ConfigMap by writing a new timestamped directory and atomically
 * renaming a `..data` symlink onto it. The watcher therefore watches the *directory* (a watch on
 * a key file goes silent after the first swap, because that file is replaced), debounces the
 * burst of events, re-reads one consistent version of every source, validates it, and either
 * hands the new frozen config and the changed keys to change listeners, or keeps the last good
 * config and reports the `ConfigValidationError` to error listeners. It never applies half an
 * update. Env vars are read once (they never change in a running container).
 *
 * @throws {@link ConfigValidationError} when the initial config is invalid.
 * @throws {@link ConfigDirectoryError} when a named ConfigMap/Secret directory is missing at start.
 * @example
 * ```ts
 * const watcher = watchConfig(definition, { onWarning: (w) => logger.warn(w) });
 * watcher.onChange(({ config, changed }) => { logger.info({ changed }, 'config reloaded'); logger.level = config.log.level; });
 * watcher.onError((error) => logger.error(error.message));
 * lifecycle.addHook({ name: 'config', run: () => watcher.close() });
 * ```
 */
export function watchConfig<S extends z.ZodObject>(
  schema: S | ConfigDefinition<S>,
  options: WatchOptions<S> = {},
): ConfigWatcher<S> {
  const definition = toDefinition(schema);
  const compiled = compileSchema(definition.schema, definition.envPrefix);
  const resolved = resolveLoadOptions(options);
  const debounceMs = options.debounceMs ?? 100;
  let current: Config<S> = options.initial ?? definition.load(options);
  const watching = [resolved.configDir, resolved.secretsDir].filter((dir): dir is string => dir !== undefined && isDir(dir));
  const warnings = Object.freeze(reloadWarningsApply(resolved) ? reloadWarnings(compiled.fields, stateOf(current).entries, watching) : []);
  for (const warning of warnings) options.onWarning?.(warning);

  const changeListeners = new Set<(change: ConfigChange<S>) => void>();
  const errorListeners = new Set<(error: ConfigError) => void>();
  const stats = { reloads: 0, applied: 0, rejected: 0, unchanged: 0 };
  const reportError = (error: ConfigError): void => {
    if (errorListeners.size === 0) options.onWarning?.(error.message); // never lose a rejected update silently
    for (const listener of [...errorListeners]) listener(error);
  };

  const reload: ConfigWatcher<S>['reload'] = () => {
    stats.reloads += 1;
    const outcome = loadOnce(definition.schema, compiled, resolved);
    if (!outcome.ok) {
      stats.rejected += 1;
      reportError(outcome.error);
      return outcome;
    }
    const next = outcome.config as Config<S>;
    const changed = compiled.fields
      .filter((f) => !isDeepStrictEqual(valueAt(current, f.path), valueAt(next, f.path)))
      .map((f) => f.key);
    if (changed.length === 0) {
      stats.unchanged += 1;
      return { ok: true, changed };
    }
    stats.applied += 1;
    const previous = current;
    current = next;
    const reloadable = new Set(compiled.fields.filter((f) => f.reloadable).map((f) => f.key));
    const change: ConfigChange<S> = Object.freeze({
      config: next,
      previous,
      changed: Object.freeze(changed),
      restartRequired: Object.freeze(changed.filter((k) => !reloadable.has(k))),
    });
    for (const listener of [...changeListeners]) {
      try {
        listener(change);
      } catch (error) {
        reportError(new ConfigWatchError('a config change listener threw', { cause: error }));
      }
    }
    return { ok: true, changed };
  };

  const debouncer = createDebouncer(() => void reload(), { waitMs: debounceMs, maxWaitMs: debounceMs * 10 });
  const schedule = (): void => debouncer.trigger();

  const watchers: FSWatcher[] = watching.map((dir) => {
    const watcher = fsWatch(dir, { persistent: false }, schedule);
    watcher.on('error', (error) => reportError(new ConfigWatchError(`watching ${dir} failed: ${error.message}`, { cause: error })));
    watcher.unref();
    return watcher;
  });
  let closed = false;

  return {
    get current() {
      return current;
    },
    watching: Object.freeze(watching),
    warnings,
    get stats() {
      return { ...stats };
    },
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    reload,
    close() {
      if (closed) return;
      closed = true;
      debouncer.cancel();
      for (const watcher of watchers) watcher.close();
      changeListeners.clear();
      errorListeners.clear();
    },
  };
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function valueAt(config: object, path: readonly string[]): unknown {
  let node: unknown = config;
  for (const segment of path) node = (node as Record<string, unknown> | undefined)?.[segment];
  return node;
}
