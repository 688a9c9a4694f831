import { duration, reloadable, secret, url } from '@podkit/config';
import { z } from 'zod';

/** Log levels a service accepts (`log.level`, reloadable at runtime). */
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * Config keys every service shares: `PORT`, `ADMIN_PORT` (probes and `/metrics`), `log.level`, the database (`DATABASE_URL` or
 * `database.host`/`database.port`/..., password from the Secret `database-password`; none of
 * them → PGlite), `REDIS_URL` (unset → in-memory cache) and the shutdown grace period.
 */
export function commonConfig(service: string, defaultPort: number, defaultAdminPort: number) {
  return {
    port: z.number().int().min(0).max(65_535).default(defaultPort).describe('public HTTP port: the API, never the probes or /metrics (0 = any free port)'),
    ...adminConfig(defaultAdminPort),
    log: z.object({
      level: reloadable(logLevel.default('info')).describe('log level, applied without restart'),
    }),
    database: z.object({
      // url(): a password in it is masked in every log line, not only in the config podkit prints
      url: url({ protocols: ['postgres', 'postgresql'], requireHost: false }).optional().describe('postgres:// URL; unset (and no host) → embedded PGlite'),
      host: z.string().optional().describe('PostgreSQL host (used when url is unset)'),
      port: z.number().int().min(1).max(65_535).default(5432).describe('PostgreSQL port'),
      name: z.string().default('blog').describe('PostgreSQL database name'),
      user: z.string().default('blog').describe('PostgreSQL user'),
      password: secret(z.string().optional()).describe('PostgreSQL password (Secret key database-password)'),
      schema: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default(service).describe('schema this service owns'),
      poolSize: z.number().int().min(1).max(100).default(10).describe('connection pool size'),
      dataDir: z.string().optional().describe('PGlite data directory (default examples/blog-platform/.data/<service>)'),
    }),
    redis: z.object({
      url: url({ protocols: ['redis', 'rediss'] }).optional().describe('redis:// URL; unset → in-memory cache'),
      prefix: z.string().default(`blog:${service}:`).describe('prefix of every key this service writes'),
    }),
    shutdown: z.object({
      gracePeriod: duration({ unit: 's' }).optional().describe('terminationGracePeriodSeconds of the pod (default: PODKIT_GRACE_PERIOD_SECONDS, else 30 s)'),
    }),
  };
}

/**
 * The admin port key every service has: `ADMIN_PORT` (`admin.port`), where podkit serves the
 * probes (`/health`, `/ready`, `/startup`) and `/metrics` instead of the public `PORT`. Only the
 * kubelet and Prometheus reach it: the Ingress, the Services and the other pods never do.
 */
export function adminConfig(defaultAdminPort: number) {
  return {
    admin: z.object({
      port: z
        .number()
        .int()
        .min(0)
        .max(65_535)
        .default(defaultAdminPort)
        .describe('admin port: probes and /metrics, kept off the public port (0 = any free port)'),
    }),
  };
}

/**
 * A schema-level check for every service schema: the admin port differs from the public one
 * (one port for both would put the probes and /metrics back on the public port). `0` twice is
 * fine: each gets its own free port.
 */
export function distinctAdminPort(config: { port: number; admin: { port: number } }, ctx: z.RefinementCtx): void {
  if (config.admin.port !== 0 && config.admin.port === config.port) {
    ctx.addIssue({ code: 'custom', path: ['admin', 'port'], message: `must differ from port (${String(config.port)}): probes and /metrics stay off the public port` });
  }
}

/** An upstream's base URL(s): comma-separated replicas are balanced by the podkit client. */
export function upstreamUrl(defaultPort: number) {
  return z.string().min(1).default(`http://127.0.0.1:${defaultPort}`);
}

/** Default local ports of the five services and the worker (whose public port has no API). */
export const DEFAULT_PORTS = Object.freeze({ gateway: 8080, auth: 8081, posts: 8082, comments: 8083, images: 8084, 'comment-counter': 8085 });

/** Default local admin ports (probes and `/metrics`) of the five services and the worker: the public port + 1000. */
export const DEFAULT_ADMIN_PORTS = Object.freeze({ gateway: 9080, auth: 9081, posts: 9082, comments: 9083, images: 9084, 'comment-counter': 9085 });

/** The database settings as loaded. */
export interface DatabaseSettings {
  readonly url?: string | undefined;
  readonly host?: string | undefined;
  readonly port: number;
  readonly name: string;
  readonly user: string;
  readonly password?: string | undefined;
}

/** The connection URL from `url`, or built from host/port/name/user (password passed apart). */
export function databaseUrl(db: DatabaseSettings): string | undefined {
  if (db.url !== undefined && db.url !== '') return db.url;
  if (db.host === undefined || db.host === '') return undefined;
  return `postgres://${encodeURIComponent(db.user)}@${db.host}:${db.port}/${encodeURIComponent(db.name)}`;
}
