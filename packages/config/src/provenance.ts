import { redactedCopy } from './redact.ts';
import { stateOf, type ConfigSourceEntry } from './state.ts';

/**
 * Where every key's value came from: key, source, env var name or file path, and the value
 * (`[redacted]` when secret; URL credentials masked in every other value). Log it as structured
 * data at startup.
 *
 * @example
 * ```ts
 * logger.info({ config: configSources(config) }, 'configuration loaded');
 * ```
 */
export function configSources(config: object): readonly ConfigSourceEntry[] {
  return stateOf(config).entries;
}

/**
 * A human-readable summary of the config, one key per line, secrets redacted: what an operator
 * reads in the startup log to trust where each value came from.
 *
 * @example
 * ```text
 * configuration (3 keys):
 *   database.host = "postgres.default.svc.cluster.local"  config-map /etc/config/database.host
 *   database.password = [redacted]  secret /etc/secrets/database-password
 *   log.level = "info"  default
 * ```
 */
export function describeConfig(config: object): string {
  const entries = stateOf(config).entries;
  const lines = entries.map((e) => {
    const value = e.value === undefined ? '(unset)' : e.secret ? e.value : JSON.stringify(e.value);
    const where = e.location === undefined ? e.source : `${e.source} ${e.location}${e.via === undefined ? '' : ` (via ${e.via})`}`;
    return `  ${e.key} = ${value}  ${where}`;
  });
  return `configuration (${entries.length} keys):\n${lines.join('\n')}`;
}

/**
 * Every secret value in the config (declared with `secret()`, or read from a Secret directory or
 * a `NAME_FILE` file, and the password and credential query values of `url()` fields), as
 * strings, so a logger can scrub them from any line (`@podkit/core`'s
 * `createLogger({ redactValues })`).
 *
 * @example
 * ```ts
 * const logger = createLogger({ service, redactValues: secretValues(config) });
 * ```
 */
export function secretValues(config: object): readonly string[] {
  return stateOf(config).secretValues;
}

/** Whether the value at `key` (`database.password`) is treated as secret in this config. */
export function isSecretKey(config: object, key: string): boolean {
  return stateOf(config).secretKeys.has(key);
}

/**
 * Non-fatal findings of the load, worth one warning log line each: ConfigMap/Secret files that
 * match no key (with the closest key as a hint), an unreadable `.env` file.
 */
export function configWarnings(config: object): readonly string[] {
  return stateOf(config).warnings;
}

/**
 * A plain, mutable deep copy of the config with secrets replaced by `[redacted]` and URL
 * credentials masked in every other string: what `JSON.stringify(config)` prints, as an object
 * (for structured logs or `/debug` endpoints).
 */
export function redactConfig(config: object): Record<string, unknown> {
  return structuredClone(redactedCopy(config, '', stateOf(config).secretKeys));
}
