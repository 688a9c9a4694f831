import type { Config } from '@podkit/config';
import type { Router } from '@podkit/http';
import { otelTelemetry } from '@podkit/otel';
import type { RequestHandler, ServiceContext as PodkitContext, ServiceDefinition as PodkitDefinition } from '@podkit/service';
import type { z } from 'zod';
import type { Cache } from './cache/cache.ts';
import { databaseUrl, type DatabaseSettings } from './config.ts';
import type { Database } from './db/database.ts';

/**
 * What the platform adds to `@podkit/service`: which database and which cache a service opens.
 * Everything else (config, reloads, serve, startup task, hooks) is `@podkit/service`'s.
 */
export interface ServiceContext<C> extends PodkitContext<C> {
  /** Opens the service's database (PostgreSQL or PGlite) with a readiness check and a close hook. */
  readonly openDatabase: (settings: DatabaseSettings & { schema: string; poolSize: number; dataDir?: string | undefined }) => Promise<Database>;
  /** Opens the cache (Redis or memory) with a readiness check and a close hook. */
  readonly openCache: (settings: { url?: string | undefined; prefix: string }) => Promise<Cache>;
}

/** A service of the platform: a `@podkit/service` definition whose setup also gets the openers. */
export interface ServiceDefinition<S extends z.ZodObject> extends Omit<PodkitDefinition<S>, 'setup' | 'telemetry'> {
  /** Startup work (migrations, keys) and the handler (`undefined` for a worker: no API); probes answer meanwhile (startup: down). */
  setup(ctx: ServiceContext<Config<S>>): Promise<Router | RequestHandler | undefined>;
}

/** The OpenTelemetry SDK from the `OTEL_*` variables (`@podkit/otel`), flushed by the last hook. */
const telemetry = otelTelemetry();

/**
 * The `@podkit/service` definition of a platform service: its telemetry, and a setup whose
 * context opens the database and the cache. Hook timeouts add up to at most 7 s (telemetry 2,
 * database 2.9, cache 1, upstream clients 1, config watch 0.1): within the 7.05 s hooks budget of
 * a 30 s grace period, so no hook is ever skipped.
 */
export function platformService<S extends z.ZodObject>(def: ServiceDefinition<S>): PodkitDefinition<S> {
  return {
    ...def,
    telemetry,
    setup: (ctx) =>
      def.setup({
        ...ctx,
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
          ctx.logger.info({ backend: db.kind, schema: db.schema }, 'database opened');
          ctx.service.health.register({ name: 'database', kinds: ['readiness'], check: () => db.ping(), timeoutMs: 2_000, critical: true });
          ctx.onShutdown('database', () => db.close(), { timeoutMs: 2_900 });
          return db;
        },
        async openCache(s) {
          const { openCache } = await import('./cache/open.ts');
          const cache = await openCache({
            url: s.url,
            prefix: s.prefix,
            onError: (err) => ctx.logger.warn({ err: { message: err.message } }, 'cache connection error'),
          });
          ctx.logger.info({ backend: cache.kind }, 'cache opened');
          // a cache outage degrades to database reads: not critical for readiness
          ctx.service.health.register({ name: 'cache', kinds: ['readiness'], check: () => cache.ping(), timeoutMs: 1_000, critical: false });
          ctx.onShutdown('cache', () => cache.close(), { timeoutMs: 1_000 });
          return cache;
        },
      }),
  };
}
