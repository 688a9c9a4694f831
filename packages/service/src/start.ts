import type { IncomingMessage, ServerResponse } from 'node:http';
import { isConfigError, redactConfig, secretValues, type Config, type LoadOptions } from '@podkit/config';
import { createService, flushLogger, isConfigurationError, type Service, type ServiceOptions } from '@podkit/core';
import { isRouter, problem, sendProblem, serve, type PodkitServer } from '@podkit/http';
import type { z } from 'zod';
import { createContext } from './context.ts';
import { readSettings } from './conventions.ts';
import { checkDefinition, describe, type RequestHandler, type ServiceDefinition, type TelemetryHandle } from './definition.ts';
import { ServiceDefinitionError } from './errors.ts';
import { watchLiveConfig, type LiveConfig } from './reload.ts';

/** Where a started service listens, as {@link StartOptions.onListening} and `onReady` receive it. */
export interface ServiceAddress {
  /** The service name. */
  readonly name: string;
  /** The bound public port (the API). */
  readonly port: number;
  /** The bound admin port (probes and `/metrics`), when the config has `admin.port`. */
  readonly adminPort: number | undefined;
}

/** Options of {@link startService} (and of `runService`). */
export interface StartOptions {
  /** Environment: config values, `PODKIT_*` settings, `OTEL_*` for the telemetry starter. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where else the config comes from: `configDir`, `secretsDir`, `envFile`, `cwd`, `precedence`
   * (see `@podkit/config`'s `LoadOptions`). Reloads watch the same places.
   * @default {} (`/etc/config`, `/etc/secrets`, `.env`, or the `PODKIT_CONFIG_DIR`/`PODKIT_SECRETS_DIR` env vars)
   */
  readonly configSources?: Omit<LoadOptions, 'env'>;
  /** Called once the server listens, before `setup` finished (e.g. to tell a parent process the ports). @default none */
  readonly onListening?: (address: ServiceAddress) => void;
  /** Called once `setup` finished and requests reach its handler. @default none */
  readonly onReady?: (address: ServiceAddress) => void;
  /** Log destination (tests pass a stream and read the lines). @default stdout */
  readonly destination?: ServiceOptions['destination'];
  /** How the process ends after a shutdown. @default (code) => process.exit(code) */
  readonly exit?: (code: number) => void;
  /** Where the lifecycle listens for SIGTERM/SIGINT (tests pass an EventEmitter). @default process */
  readonly process?: ServiceOptions['process'];
}

/** A started service: ready for traffic. */
export interface RunningService<C = unknown> {
  /** The core service (logger, metrics, health, lifecycle). */
  readonly service: Service;
  /** The HTTP server. */
  readonly server: PodkitServer;
  /** The bound public port (the API). */
  readonly port: number;
  /** The bound admin port (probes and `/metrics`), when the config has `admin.port`. */
  readonly adminPort: number | undefined;
  /** The last good config (the startup one, or the last valid ConfigMap update). */
  readonly currentConfig: () => C;
}

/** Timeout of the `telemetry` hook: it runs last, flushing what the other hooks logged. */
const TELEMETRY_TIMEOUT_MS = 2_000;
/** Timeout of the `config-watch` hook. */
const WATCH_TIMEOUT_MS = 100;

/**
 * Starts a service: loads its config (every problem at once: `ConfigValidationError`), starts
 * the telemetry SDK when the definition has one, creates the core service (JSON logs that mask
 * the config's secrets, metrics, health, lifecycle planned against `shutdown.gracePeriod`), logs
 * `configuration loaded` (secrets redacted), watches the ConfigMap and Secret directories
 * (`log.level` applied live, reloads counted, restart-required keys reported, rejected updates
 * keep the last good config), serves on `port` (probes and `/metrics` on `admin.port` when the
 * config has it), runs `setup` as a startup task while the probes answer and requests get a 503
 * problem, then switches to its handler and logs `service ready`.
 *
 * Every resource it opens closes in a shutdown hook: the upstream clients made with
 * `ctx.client`, the config watcher, the telemetry SDK (last). When `setup` fails, the shutdown
 * sequence runs (closing what setup opened) without exiting, and the promise rejects with the
 * failure; `runService` turns that into exit status 78 (a configuration problem) or 1.
 *
 * @throws `ConfigValidationError` / `ConfigDirectoryError` (from `@podkit/config`) for invalid
 * config, {@link ServiceDefinitionError} for a definition that cannot run, `ListenError` when the
 * port is taken, and whatever `setup` threw.
 * @example
 * ```ts
 * const running = await startService(greeter, { env: { API_KEY: 'dev-key-123', PORT: '0' } });
 * await fetch(`http://127.0.0.1:${running.port}/greet/Ada`);
 * ```
 */
export async function startService<S extends z.ZodObject>(definition: ServiceDefinition<S>, options: StartOptions = {}): Promise<RunningService<Config<S>>> {
  checkDefinition(definition);
  const { name, version } = definition;
  const env = options.env ?? process.env;
  const sources: LoadOptions = { ...options.configSources, env };
  const loaded = definition.config.load(sources);
  const settings = readSettings(loaded);
  const telemetry: TelemetryHandle | undefined = definition.telemetry === undefined ? undefined : await definition.telemetry({ name, version, env });
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let startupFailed = false;
  let live: LiveConfig<Config<S>> | undefined;
  let service: Service;
  try {
    service = createService({
      name,
      version,
      logLevel: settings.logLevel ?? 'info',
      redactValues: () => secretValues(live?.current() ?? loaded),
      env,
      ...(settings.gracePeriodMs === undefined ? {} : { gracePeriodMs: settings.gracePeriodMs }),
      ...(options.destination === undefined ? {} : { destination: options.destination }),
      ...(options.process === undefined ? {} : { process: options.process }),
      // after a failed setup the caller (runService) chooses the exit status
      exit: (code) => (startupFailed ? undefined : exit(code)),
    });
  } catch (err) {
    await telemetry?.close();
    throw err;
  }
  const { logger, lifecycle, health } = service;
  logger.info({ config: redactConfig(loaded), ...telemetry?.logFields }, 'configuration loaded');
  if (telemetry !== undefined) lifecycle.addHook({ name: 'telemetry', run: () => telemetry.close(), timeoutMs: TELEMETRY_TIMEOUT_MS });

  let handler: RequestHandler = (_req: IncomingMessage, res: ServerResponse) =>
    sendProblem(res, problem(503, `${name} is starting`), { 'retry-after': '1' });
  let server: PodkitServer;
  try {
    live = watchLiveConfig(definition.config, loaded, service, sources);
    const watcher = live;
    lifecycle.addHook({ name: 'config-watch', run: () => watcher.close(), timeoutMs: WATCH_TIMEOUT_MS });
    server = await serve(service, (req, res) => handler(req, res), {
      ...definition.serve,
      port: settings.port,
      ...(settings.adminPort === undefined ? {} : { adminPort: settings.adminPort }),
      name,
      accessLog: settings.accessLog ?? definition.accessLog ?? true,
    });
  } catch (err) {
    // nothing listens: release what exists so far (no hooks ran, no shutdown began)
    live?.close();
    await telemetry?.close();
    await service.close();
    throw err;
  }
  const ctx = createContext(service, live, env);
  const setup = health.startupTask('setup', Promise.resolve().then(() => definition.setup(ctx)));
  setup.catch(() => {}); // handled below, once the probes answer
  await service.start();
  const address: ServiceAddress = { name, port: server.port, adminPort: server.adminPort };
  options.onListening?.(address);

  try {
    const built = await setup;
    if (isRouter(built)) {
      built.useLoggerIfUnset(logger);
      handler = built.listener;
    } else if (typeof built === 'function') {
      handler = built;
    } else if (built === undefined) {
      // a worker: no API on the public port (probes and /metrics are on the admin port)
      handler = (_req: IncomingMessage, res: ServerResponse) => sendProblem(res, problem(404, `${name} serves no API on this port`));
    } else {
      throw new ServiceDefinitionError('setup', `must return a Router, a request listener or undefined (got ${describe(built)})`);
    }
  } catch (err) {
    if (isConfigurationError(err) || isConfigError(err)) {
      // an operator's mistake, not a bug: no stack
      logger.fatal({ code: err.code, reason: err.message }, 'startup failed: configuration problem');
    } else {
      logger.fatal({ err }, 'startup failed');
    }
    startupFailed = true;
    await lifecycle.shutdown('startup failed', 1);
    await flushLogger(logger);
    throw err;
  }
  logger.info({ port: server.port, adminPort: server.adminPort }, 'service ready');
  options.onReady?.(address);
  return { service, server, port: server.port, adminPort: server.adminPort, currentConfig: live.current };
}
