import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactConfig, secretValues, watchConfig, type ConfigDefinition } from '@podkit/config';
import { createService, isConfigurationError, isLogLevel, type Logger, type Metrics, type Service } from '@podkit/core';
import { createClient, problem, sendProblem, serve, type ClientOptions, type HttpClient, type PodkitServer, type Router } from '@podkit/http';
import type { z } from 'zod';
import type { Cache } from './cache/cache.ts';
import { databaseUrl, type DatabaseSettings } from './config.ts';
import type { Database } from './db/database.ts';
import { registerTelemetry } from './telemetry.ts';

/** The config keys the bootstrap reads (every service's schema has them). */
interface BaseConfig {
  readonly port: number;
  readonly admin: { readonly port: number };
  readonly log: { readonly level: string };
  readonly shutdown: { readonly gracePeriod?: number | undefined };
}

/** Everything a service's `setup` may use; resources opened here are closed at shutdown. */
export interface ServiceContext<C> {
  readonly config: C;
  readonly service: Service;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Opens the service's database (PostgreSQL or PGlite) with a readiness check and a close hook. */
  readonly openDatabase: (settings: DatabaseSettings & { schema: string; poolSize: number; dataDir?: string | undefined }) => Promise<Database>;
  /** Opens the cache (Redis or memory) with a readiness check and a close hook. */
  readonly openCache: (settings: { url?: string | undefined; prefix: string }) => Promise<Cache>;
  /** A podkit client for an upstream (comma-separated replicas balanced), closed at shutdown. */
  readonly client: (name: string, baseUrl: string, options?: Omit<ClientOptions, 'name' | 'baseUrl' | 'origins'>) => HttpClient;
  /** Runs `fn` at shutdown, after the HTTP server drained (reverse order of registration). */
  readonly onShutdown: (name: string, fn: () => Promise<void> | void) => void;
}

/** A service of the platform: its config and how to build its request handler. */
export interface ServiceDefinition<S extends z.ZodObject> {
  readonly name: string;
  readonly version: string;
  readonly config: ConfigDefinition<S>;
  /** Startup work (migrations, keys) and the handler; probes answer meanwhile (startup: down). */
  setup(ctx: ServiceContext<z.output<S> & BaseConfig>): Promise<Router | ((req: IncomingMessage, res: ServerResponse) => void)>;
  /** Access log line per request, unless the config has an `accessLog` key. @default true */
  readonly accessLog?: boolean;
}

/** A started service. */
export interface RunningService {
  readonly service: Service;
  readonly server: PodkitServer;
  /** The public port (the API). */
  readonly port: number;
  /** The admin port: probes (`/health`, `/ready`, `/startup`) and `/metrics`. */
  readonly adminPort: number;
}

/** Options for {@link runService}. */
export interface RunOptions {
  /** Environment. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Starts one service the podkit way: config from env vars, `/etc/config` and `/etc/secrets`
 * (exits 78 with every problem listed when invalid), the OpenTelemetry SDK, a core service
 * (JSON logs that scrub config secrets, metrics, health, lifecycle with SIGTERM draining),
 * `serve()` with the API on `PORT` and the probes and `/metrics` on `ADMIN_PORT` only (the
 * public port answers 404 for them, as `serve()` does with an admin port), then `setup` as a
 * startup task. `serve()` logs `http server listening` with both ports; this tells a parent
 * process `{ type: 'listening', port, adminPort }` over IPC when there is one (how `start.ts`
 * learns ephemeral ports).
 */
export async function runService<S extends z.ZodObject>(def: ServiceDefinition<S>, options: RunOptions = {}): Promise<RunningService> {
  const env = options.env ?? process.env;
  const loaded = def.config.load({ env });
  const config = loaded as z.output<S> & BaseConfig;
  let current: object = config;
  const telemetry = await registerTelemetry({ serviceName: def.name, serviceVersion: def.version, env });
  const service = createService({
    name: def.name,
    version: def.version,
    logLevel: isLogLevel(config.log.level) ? config.log.level : 'info',
    redactValues: () => secretValues(current),
    ...(config.shutdown.gracePeriod === undefined ? {} : { gracePeriodMs: config.shutdown.gracePeriod }),
    env,
  });
  const { logger, lifecycle, health } = service;
  logger.info({ config: redactConfig(config), tracing: telemetry.exporting ? 'otlp' : 'ids only' }, 'configuration loaded');
  // Hooks run one after another in reverse order (telemetry last, so it flushes what the others
  // logged), and their timeouts add up to at most 7 s: the hooks budget of a 30 s grace period is
  // 7.05 s, so even if every hook hung, none would be skipped (core warns when they do not fit).
  lifecycle.addHook({ name: 'telemetry', run: () => telemetry.shutdown(), timeoutMs: 2_000 });

  // A ConfigMap update (kubelet's ..data swap) applies `log.level` at once; other keys need a restart.
  const watcher = watchConfig(def.config, { env, initial: loaded, onWarning: (m) => logger.warn(m) });
  watcher.onChange(({ config: next, changed, restartRequired }) => {
    current = next;
    service.metrics.recordConfigReload('success');
    const level = (next as unknown as BaseConfig).log.level;
    if (changed.includes('log.level') && isLogLevel(level)) logger.level = level;
    logger.info({ changed, restartRequired }, 'configuration reloaded');
  });
  watcher.onError((err) => {
    service.metrics.recordConfigReload('failure');
    logger.warn({ err: { message: err.message } }, 'configuration update rejected; keeping the last good one');
  });
  lifecycle.addHook({ name: 'config-watch', run: () => watcher.close(), timeoutMs: 100 });
  // Upstream clients close together, in one hook (their in-flight calls ended with the drain).
  const clients: HttpClient[] = [];
  let clientsHook = false;

  const ctx: ServiceContext<z.output<S> & BaseConfig> = {
    config,
    service,
    logger,
    metrics: service.metrics,
    env,
    async openDatabase(s) {
      // loaded on demand: the gateway never pulls in pg, PGlite or the Redis client
      const { defaultDataDir, openDatabase } = await import('./db/open.ts');
      const url = databaseUrl(s);
      const db = await openDatabase({
        url,
        password: s.password,
        schema: s.schema,
        poolSize: s.poolSize,
        applicationName: def.name,
        dataDir: url === undefined ? (s.dataDir ?? defaultDataDir(def.name)) : undefined,
      });
      logger.info({ backend: db.kind, schema: db.schema }, 'database opened');
      health.register({ name: 'database', kinds: ['readiness'], check: () => db.ping(), timeoutMs: 2_000, critical: true });
      lifecycle.addHook({ name: 'database', run: () => db.close(), timeoutMs: 2_900 });
      return db;
    },
    async openCache(s) {
      const { openCache } = await import('./cache/open.ts');
      const cache = await openCache({
        url: s.url,
        prefix: s.prefix,
        onError: (err) => logger.warn({ err: { message: err.message } }, 'cache connection error'),
      });
      logger.info({ backend: cache.kind }, 'cache opened');
      // a cache outage degrades to database reads: not critical for readiness
      health.register({ name: 'cache', kinds: ['readiness'], check: () => cache.ping(), timeoutMs: 1_000, critical: false });
      lifecycle.addHook({ name: 'cache', run: () => cache.close(), timeoutMs: 1_000 });
      return cache;
    },
    client(name, baseUrl, clientOptions) {
      const client = createClient({ service, ...clientOptions, name, baseUrl });
      clients.push(client);
      if (!clientsHook) {
        clientsHook = true;
        lifecycle.addHook({ name: 'upstream-clients', run: async () => void (await Promise.all(clients.map((c) => c.close()))), timeoutMs: 1_000 });
      }
      return client;
    },
    onShutdown(name, fn) {
      lifecycle.addHook({ name, run: fn, timeoutMs: 1_000 });
    },
  };

  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) =>
    sendProblem(res, problem(503, `${def.name} is starting`), { 'retry-after': '1' });
  const server = await serve(service, (req, res) => handler(req, res), {
    port: config.port,
    adminPort: config.admin.port,
    name: def.name,
    accessLog: accessLogOf(config, def.accessLog),
  });
  const setup = health.startupTask('setup', def.setup(ctx));
  setup.catch((err: unknown) => {
    if (isConfigurationError(err)) {
      // an operator's mistake, not a bug: no stack; runService rejects and runMain exits 78
      logger.fatal({ code: err.code, reason: err.message }, 'startup failed: configuration problem');
      return;
    }
    logger.fatal({ err }, 'startup failed');
    void lifecycle.shutdown('startup failed', 1);
  });
  await service.start();
  const adminPort = server.adminPort ?? config.admin.port;
  process.send?.({ type: 'listening', service: def.name, port: server.port, adminPort });

  const built = await setup;
  const listener = typeof built === 'function' ? built : built.listener;
  if (typeof built !== 'function') built.useLoggerIfUnset(logger);
  handler = listener;
  logger.info({ port: server.port, adminPort }, 'service ready');
  process.send?.({ type: 'ready', service: def.name, port: server.port, adminPort });
  return { service, server, port: server.port, adminPort };
}

function accessLogOf(config: object, fallback: boolean | undefined): boolean {
  const value = (config as { accessLog?: unknown }).accessLog;
  return typeof value === 'boolean' ? value : (fallback ?? true);
}
