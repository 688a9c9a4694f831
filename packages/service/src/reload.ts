import { watchConfig, type Config, type ConfigDefinition, type LoadOptions } from '@podkit/config';
import { isLogLevel, type Service } from '@podkit/core';
import type { z } from 'zod';
import { valueAt } from './conventions.ts';
import type { ConfigUpdate } from './definition.ts';

/** The live config of a running service. @internal */
export interface LiveConfig<C> {
  /** The last good config. */
  readonly current: () => C;
  /** Adds a listener for applied updates; returns its remover. */
  readonly onChange: (listener: (update: ConfigUpdate<C>) => void) => () => void;
  /** Stops watching; idempotent. */
  readonly close: () => void;
}

/**
 * Watches the ConfigMap and Secret directories of `definition` (kubelet `..data` swaps): a valid
 * update becomes the current config, applies `log.level` at once (when it changed and is a log
 * level), is counted (`podkit_config_reloads_total{result="success"}`) and logged with the keys
 * that need a restart; a rejected update keeps the last good config, is counted
 * (`result="failure"`) and logged as a warning. @internal
 */
export function watchLiveConfig<S extends z.ZodObject>(
  definition: ConfigDefinition<S>,
  initial: Config<S>,
  service: Service,
  options: LoadOptions,
): LiveConfig<Config<S>> {
  const { logger, metrics } = service;
  let current = initial;
  const listeners = new Set<(update: ConfigUpdate<Config<S>>) => void>();
  const watcher = watchConfig(definition, { ...options, initial, onWarning: (message) => logger.warn(message) });
  watcher.onChange(({ config, previous, changed, restartRequired }) => {
    current = config;
    metrics.recordConfigReload('success');
    // The reload line is logged under whichever of the old and new levels shows it: before the
    // level changes when the old one does (info → warn), after it otherwise (warn → info).
    const report = (): void => {
      if (restartRequired.length > 0) logger.warn({ changed, restartRequired }, 'configuration reloaded; restart to apply restartRequired');
      else logger.info({ changed, restartRequired }, 'configuration reloaded');
    };
    const reported = logger.isLevelEnabled(restartRequired.length > 0 ? 'warn' : 'info');
    if (reported) report();
    if (changed.includes('log.level')) {
      const level = valueAt(config, 'log.level');
      if (isLogLevel(level)) logger.level = level;
      else logger.warn({ key: 'log.level', kept: logger.level }, 'log.level of the update is not a log level; keeping the current one');
    }
    if (!reported) report();
    for (const listener of listeners) {
      try {
        listener({ config, previous, changed, restartRequired });
      } catch (err) {
        logger.error({ err }, 'configuration change listener failed; the update stays applied');
      }
    }
  });
  watcher.onError((err) => {
    metrics.recordConfigReload('failure');
    logger.warn({ err: { code: err.code, message: err.message } }, 'configuration update rejected; keeping the last good one');
  });
  return {
    current: () => current,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: () => watcher.close(),
  };
}
