import { ConfigurationError, isLogLevel, type LevelWithSilent } from '@podkit/core';
import { describe } from './definition.ts';
import { ServiceDefinitionError } from './errors.ts';

/** The conventional config keys {@link startService} reads, resolved. @internal */
export interface ServiceSettings {
  readonly port: number;
  readonly adminPort: number | undefined;
  readonly logLevel: LevelWithSilent | undefined;
  readonly gracePeriodMs: number | undefined;
  readonly accessLog: boolean | undefined;
}

/** The config keys {@link readSettings} reads, as docs/service.md lists them. @internal */
export const CONVENTIONAL_KEYS: readonly string[] = Object.freeze(['port', 'admin.port', 'log.level', 'shutdown.gracePeriod', 'accessLog']);

/** The value at a dotted key of a config object (`admin.port`), or `undefined`. @internal */
export function valueAt(config: unknown, key: string): unknown {
  let at: unknown = config;
  for (const part of key.split('.')) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

function port(config: object, key: string, required: boolean): number | undefined {
  const value = valueAt(config, key);
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new ServiceDefinitionError(
      key,
      value === undefined
        ? 'is not a key of the config: add it to the schema, e.g. `port: z.number().int().min(0).max(65535).default(8080)`'
        : `must be an integer port 0-65535 in the config (got ${describe(value)}): give it a z.number().int() schema`,
    );
  }
  return value;
}

/**
 * Reads `port`, `admin.port`, `log.level`, `shutdown.gracePeriod` and `accessLog` from a loaded
 * config. A key of the wrong type is a {@link ServiceDefinitionError} (the schema is at fault); a
 * `log.level` the schema accepted but the logger does not know is a `ConfigurationError` naming
 * the value (exit 78 under `runService`). @internal
 */
export function readSettings(config: object): ServiceSettings {
  const level = valueAt(config, 'log.level');
  if (level !== undefined && !isLogLevel(level)) {
    throw new ConfigurationError(`log.level: ${describe(level)} is not a log level (fatal, error, warn, info, debug, trace, silent)`);
  }
  const grace = valueAt(config, 'shutdown.gracePeriod');
  if (grace !== undefined && (typeof grace !== 'number' || !(grace > 0))) {
    throw new ServiceDefinitionError('shutdown.gracePeriod', `must be a positive number of milliseconds (got ${describe(grace)}): use duration({ unit: 's' })`);
  }
  const accessLog = valueAt(config, 'accessLog');
  if (accessLog !== undefined && typeof accessLog !== 'boolean') {
    throw new ServiceDefinitionError('accessLog', `must be a boolean in the config (got ${describe(accessLog)}): give it a z.boolean() schema`);
  }
  return {
    port: port(config, 'port', true)!,
    adminPort: port(config, 'admin.port', false),
    logLevel: level,
    gracePeriodMs: grace,
    accessLog,
  };
}
