// @podkit/config: typed configuration from env vars, ConfigMaps and Secrets.

// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';

// Declaring and loading
export { defineConfig, loadConfig } from './define.ts';
export type { Config, ConfigDefinition, DeepReadonly, DefineOptions, LoadResult } from './define.ts';
export { DEFAULT_PRECEDENCE } from './options.ts';
export type { LoadOptions } from './options.ts';
export { EXIT_CONFIG, loadConfigOrExit } from './exit.ts';
export type { ExitOptions } from './exit.ts';

// Schema helpers
export { duration, json, list, reloadable, secret } from './schema/helpers.ts';
export type { DurationOptions, ListOptions } from './schema/helpers.ts';
export { url } from './schema/url.ts';
export type { UrlOptions } from './schema/url.ts';
export type { DurationUnit } from './duration.ts';
export type { ConfigField, ValueKind } from './schema/fields.ts';
export type { ConfigLayer, ConfigSourceKind } from './sources/types.ts';

// Provenance and redaction
export { configSources, configWarnings, describeConfig, isSecretKey, redactConfig, secretValues } from './provenance.ts';
export type { ConfigSourceEntry } from './state.ts';
export { REDACTED } from './redact.ts';
export { redactUrlCredentials } from './url-credentials.ts';

// Errors
export {
  ConfigDirectoryError,
  ConfigError,
  ConfigNodeVersionError,
  ConfigSchemaError,
  ConfigValidationError,
  ConfigWatchError,
  isConfigError,
} from './errors.ts';
export type { ConfigIssue, ConfigIssueKind } from './errors.ts';

// Reloading
export { watchConfig } from './watch.ts';
export type { ConfigChange, ConfigWatcher, WatchOptions, WatchStats } from './watch.ts';

// Self-documentation
export { configMapYaml, configReference } from './reference.ts';
export type { ConfigMapYamlOptions } from './reference.ts';
