import { duration, reloadable, secret } from '@podkit/config';
import { z } from 'zod';

/** Log levels a service accepts (`log.level`, reloadable at runtime). */
export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/**
 * A connection URL with one of `schemes` (or empty: unset). A malformed one is a configuration
 * error at load time (exit 78, naming the key and its source), not a driver's stack trace later.
 */
function urlWithScheme(schemes: readonly string[]) {
  return z.string().refine((v) => {
    if (v === '') return true;
    try {
      const url = new URL(v);
      return schemes.includes(url.protocol);
    } catch {
      return false;
    }
  }, `expected a ${schemes.map((s) => `${s}//`).join(' or ')} URL`);
}

/**
 * Config keys every service shares: `PORT`, `log.level`, the database (`DATABASE_URL` or
 * `database.host`/`database.port`/..., password from the Secret `database-password`; none of
 * them → PGlite), `REDIS_URL` (unset → in-memory cache) and the shutdown grace period.
 */
export function commonConfig(service: string, defaultPort: number) {
  return {
    port: z.number().int().min(0).max(65_535).default(defaultPort).describe('HTTP port (0 = any free port)'),
    log: z.object({
      level: reloadable(logLevel.default('info')).describe('log level, applied without restart'),
    }),
    database: z.object({
      url: urlWithScheme(['postgres:', 'postgresql:']).optional().describe('postgres:// URL; unset (and no host) → embedded PGlite'),
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
      url: urlWithScheme(['redis:', 'rediss:']).optional().describe('redis:// URL; unset → in-memory cache'),
      prefix: z.string().default(`blog:${service}:`).describe('prefix of every key this service writes'),
    }),
    shutdown: z.object({
      gracePeriod: duration({ unit: 's' }).optional().describe('terminationGracePeriodSeconds of the pod (default: PODKIT_GRACE_PERIOD_SECONDS, else 30 s)'),
    }),
  };
}

/** An upstream's base URL(s): comma-separated replicas are balanced by the podkit client. */
export function upstreamUrl(defaultPort: number) {
  return z.string().min(1).default(`http://127.0.0.1:${defaultPort}`);
}

/** Default local ports of the five services. */
export const DEFAULT_PORTS = Object.freeze({ gateway: 8080, auth: 8081, posts: 8082, comments: 8083, images: 8084 });

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
