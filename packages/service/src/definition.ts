import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config, ConfigDefinition } from '@podkit/config';
import type { Logger, Metrics, Service } from '@podkit/core';
import type { ClientOptions, HttpClient, Router, ServeOptions } from '@podkit/http';
import type { z } from 'zod';
import { ServiceDefinitionError } from './errors.ts';

/** A plain `node:http` request listener (Express, Koa's `callback()`, a hand-written handler). */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** Who is starting: what a {@link TelemetryStarter} needs to name its resource. */
export interface ServiceInfo {
  /** The service name (`service.name`). */
  readonly name: string;
  /** The service version (`service.version`). */
  readonly version: string;
  /** The environment the service was started with (`OTEL_*` variables live here). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A started telemetry SDK, as a {@link TelemetryStarter} returns it. */
export interface TelemetryHandle {
  /** Extra fields of the `configuration loaded` log line, e.g. `{ tracing: 'otlp' }`. @default {} */
  readonly logFields?: Readonly<Record<string, unknown>>;
  /** Flushes and stops the SDK; run as the `telemetry` shutdown hook (2 s), after every other hook. */
  close(): Promise<void> | void;
}

/**
 * Starts a telemetry SDK (OpenTelemetry, say) before anything else of the service exists, so the
 * global tracer provider is in place when the server starts. `@podkit/service` itself depends on
 * no SDK: pass the starter of your choice.
 *
 * @example
 * ```ts
 * const telemetry: TelemetryStarter = async ({ name, version, env }) => {
 *   const sdk = await registerMySdk({ serviceName: name, serviceVersion: version, env });
 *   return { logFields: { tracing: sdk.exporting ? 'otlp' : 'off' }, close: () => sdk.shutdown() };
 * };
 * ```
 */
export type TelemetryStarter = (info: ServiceInfo) => TelemetryHandle | Promise<TelemetryHandle>;

/** Options of {@link ServiceContext.onShutdown}. */
export interface ShutdownHookOptions {
  /**
   * Time the hook may take before it is cut (logged; shutdown continues).
   * @default 1000
   */
  readonly timeoutMs?: number;
}

/** What a reload listener ({@link ServiceContext.onConfigChange}) receives. */
export interface ConfigUpdate<C> {
  /** The new config (now what {@link ServiceContext.currentConfig} returns). */
  readonly config: C;
  /** The config it replaced. */
  readonly previous: C;
  /** Keys whose value changed (`log.level`), in schema order. */
  readonly changed: readonly string[];
  /** The changed keys not declared `reloadable()`: they apply only after a restart. */
  readonly restartRequired: readonly string[];
}

/**
 * Everything a service's `setup` may use; what it opens through here is closed at shutdown. Its
 * functions need no `this`: destructure them (`setup({ config, client, onShutdown })`).
 */
export interface ServiceContext<C> {
  /** The config as loaded at startup (frozen). */
  readonly config: C;
  /** The last good config: the startup one, or the last ConfigMap update that validated. */
  readonly currentConfig: () => C;
  /** The core service: its `health` for readiness checks, its `lifecycle` for drainers. */
  readonly service: Service;
  /** The service logger (`service.logger`); secret config values are masked in every line. */
  readonly logger: Logger;
  /** The service metrics (`service.metrics`). */
  readonly metrics: Metrics;
  /** The environment the service was started with. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * A podkit client for an upstream (comma-separated replicas are balanced), on the service's
   * metrics and logger. Every client made here closes in one `upstream-clients` hook (1 s) at
   * shutdown, after the HTTP server drained.
   */
  readonly client: (name: string, baseUrl: string, options?: Omit<ClientOptions, 'name' | 'baseUrl' | 'origins' | 'service'>) => HttpClient;
  /** Runs `fn` at shutdown, after the HTTP server drained (hooks run in reverse order of registration). */
  readonly onShutdown: (name: string, fn: () => Promise<void> | void, options?: ShutdownHookOptions) => void;
  /**
   * Calls `listener` after each valid ConfigMap/Secret update (after `log.level` was applied), to
   * apply your own `reloadable()` keys. Returns a function that removes it. A listener that
   * throws is logged; the update stays applied.
   */
  readonly onConfigChange: (listener: (update: ConfigUpdate<C>) => void) => () => void;
}

/**
 * A service: its identity, its config, and how to build its request handler.
 *
 * The config schema's conventional keys are read by {@link startService}: `port` (required, the
 * public port), `admin.port` (optional: probes and `/metrics` on their own port), `log.level`
 * (optional, applied live when `reloadable()`), `shutdown.gracePeriod` (optional, milliseconds,
 * e.g. `duration({ unit: 's' })`) and `accessLog` (optional boolean).
 */
export interface ServiceDefinition<S extends z.ZodObject> {
  /** Service name: logs, metrics, the `http server listening` line. */
  readonly name: string;
  /** Service version: logs and the `service_info` metric. */
  readonly version: string;
  /** The config definition (`defineConfig(schema)`). */
  readonly config: ConfigDefinition<S>;
  /**
   * Startup work (migrations, keys, connections) and the handler: a podkit `Router` or any
   * request listener. Runs as the `setup` startup task once the server listens: meanwhile the
   * probes answer (`/startup` and `/ready` down) and requests get a 503 problem. A worker with
   * no API (a queue consumer) returns `undefined`: the public port then answers every request
   * with a 404 problem, and the probes and `/metrics` stay on the admin port.
   */
  setup(ctx: ServiceContext<Config<S>>): Router | RequestHandler | undefined | Promise<Router | RequestHandler | undefined>;
  /** One access log line per request, unless the config has an `accessLog` key. @default true */
  readonly accessLog?: boolean;
  /** Starts a telemetry SDK first, closed last at shutdown. @default no telemetry */
  readonly telemetry?: TelemetryStarter;
  /** Further `serve()` options (`host`, `loadShedding`, `probeDetail`, ...). @default {} */
  readonly serve?: Omit<ServeOptions, 'port' | 'adminPort' | 'name' | 'accessLog'>;
}

/**
 * Checks a service definition and returns it, typed: `setup` receives the config type of the
 * schema. Call it where the service is declared, so a broken definition fails at import.
 *
 * @throws {@link ServiceDefinitionError} when `name` or `version` is empty, `config` is not a
 * config definition or `setup` is not a function.
 * @example
 * ```ts
 * export const greeter = defineService({
 *   name: 'greeter',
 *   version: '1.0.0',
 *   config: definition,
 *   setup: ({ config }) => createRouter().get('/hello', {}, () => ({ hello: config.name })),
 * });
 * ```
 */
export function defineService<S extends z.ZodObject>(definition: ServiceDefinition<S>): ServiceDefinition<S> {
  checkDefinition(definition);
  return definition;
}

/** Throws {@link ServiceDefinitionError} for the first field of `definition` that cannot run. @internal */
export function checkDefinition(definition: ServiceDefinition<z.ZodObject>): void {
  const d = definition as Partial<Record<keyof ServiceDefinition<z.ZodObject>, unknown>> | undefined;
  if (typeof d !== 'object' || d === null) throw new ServiceDefinitionError('definition', 'must be an object with name, version, config and setup');
  for (const key of ['name', 'version'] as const) {
    if (typeof d[key] !== 'string' || d[key] === '') throw new ServiceDefinitionError(key, `must be a non-empty string (got ${describe(d[key])})`);
  }
  const config = d.config as { load?: unknown; schema?: unknown } | undefined;
  if (typeof config !== 'object' || config === null || typeof config.load !== 'function') {
    throw new ServiceDefinitionError('config', `must be a config definition from defineConfig(schema) (got ${describe(d.config)})`);
  }
  if (typeof d.setup !== 'function') throw new ServiceDefinitionError('setup', `must be a function returning a Router or a request listener (got ${describe(d.setup)})`);
  if (d.telemetry !== undefined && typeof d.telemetry !== 'function') throw new ServiceDefinitionError('telemetry', `must be a function (got ${describe(d.telemetry)})`);
  if (d.accessLog !== undefined && typeof d.accessLog !== 'boolean') throw new ServiceDefinitionError('accessLog', `must be a boolean (got ${describe(d.accessLog)})`);
}

/** A short description of a value for an error message (type, never the value itself). @internal */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value === 'string' ? `string "${value.slice(0, 40)}"` : typeof value;
}
