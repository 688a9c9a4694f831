import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { spawnService, type ServiceProcess } from './child.ts';
import { spawnEmbeddedPostgres, type EmbeddedPostgresProcess } from './embedded-postgres-process.ts';
import { DEPENDENCIES, entryOf, FIXED_ADMIN_PORTS, FIXED_PORTS, isAvailable, NEEDS_ENV, schemaOf, START_WAVES, type ServiceName, type ServiceRuntime } from './services.ts';

/** Options for {@link startPlatform}. */
export interface PlatformOptions {
  /**
   * `fixed`: 8080–8084, admin ports 9080–9084 (`npm start`); `ephemeral`: every process on
   * port 0, public and admin (tests). @default 'ephemeral'
   */
  readonly ports?: 'fixed' | 'ephemeral';
  /** Extra environment for every process (e.g. `DATABASE_URL`, `REDIS_URL`, `LOG_LEVEL`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra environment per service (e.g. `{ images: { IMAGES_PROCESSING_DELAY: '2s' } }`). */
  readonly serviceEnv?: Partial<Readonly<Record<ServiceName, Readonly<Record<string, string>>>>>;
  /** Replicas per service (the gateway's `<NAME>_URL` lists them all). @default 1 each */
  readonly replicas?: Partial<Readonly<Record<ServiceName, number>>>;
  /**
   * Suffix for database schemas (`posts_<isolate>`) and Redis key prefixes, so several platforms
   * share one PostgreSQL/Redis without seeing each other's data; with it, the embedded database runs in memory.
   * @default a random suffix with `ports: 'ephemeral'` (tests), none with `ports: 'fixed'`
   */
  readonly isolate?: string;
  /** Called for every output line of every process. */
  readonly onLine?: (id: string, line: string, stream: 'stdout' | 'stderr') => void;
  /**
   * Which services to start. @default all five (images only when its code is present), and the
   * comment-counter worker when the environment has `AMQP_URL` (it then needs `DATABASE_URL` too:
   * it shares the comments database)
   */
  readonly services?: readonly ServiceName[];
  /**
   * `source`: the TypeScript sources through type stripping; `compiled`: the `tsc` output in
   * `dist/` on the packages' `dist/`, as the image runs them (needs `npm run build` first).
   * @default 'source'
   */
  readonly runtime?: ServiceRuntime;
}

/** The data directory of the shared embedded database of `npm start`: `examples/blog-platform/.data/postgres`. */
export const EMBEDDED_DATA_DIR: string = path.resolve(import.meta.dirname, '..', '..', '.data', 'postgres');

/** A running platform. */
export interface Platform {
  /** The gateway's base URL. */
  readonly gatewayUrl: string;
  /** Base URL(s) per service (comma-separated replicas): the public port, the API only. */
  readonly urls: Readonly<Partial<Record<ServiceName, string>>>;
  /** Admin base URL(s) per service (comma-separated replicas): probes and `/metrics`. */
  readonly adminUrls: Readonly<Partial<Record<ServiceName, string>>>;
  /** Running processes by id (`posts`, `posts-2`, ...). */
  readonly processes: ReadonlyMap<string, ServiceProcess>;
  /**
   * The shared embedded PostgreSQL (PGlite behind the wire protocol) every service uses when the
   * environment names no database (no `DATABASE_URL`/`DATABASE_HOST`); `undefined` otherwise.
   */
  readonly embeddedDatabase: EmbeddedPostgresProcess | undefined;
  /** Output lines captured per process id (kept across restarts). */
  readonly logs: Readonly<Record<string, string[]>>;
  /** Sends `signal` to every process, gateway first, and waits for them to exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Sends `signal` to one process and resolves with its exit code when it has exited. */
  kill(id: string, signal?: NodeJS.Signals): Promise<number | string>;
  /** Starts a stopped process again on the same ports (so every URL pointing at it stays valid); resolves when ready. */
  restart(id: string): Promise<ServiceProcess>;
}

function envName(service: ServiceName): string {
  return `${service.toUpperCase()}_URL`;
}

/**
 * Starts the platform as separate processes: auth → posts → comments and images → gateway,
 * each started once the services it calls listen (all must then become ready), told where they are through
 * `<NAME>_URL` (replicas comma-separated). With `ports: 'ephemeral'` the ports are whatever the
 * processes got, read from their ready message.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const baseEnv = { ...process.env, ...options.env };
  const runtime = options.runtime ?? 'source';
  if (runtime === 'compiled' && !isAvailable('gateway', 'compiled')) {
    throw new Error(`runtime 'compiled' needs the build: ${entryOf('gateway', 'compiled')} is missing (run \`npm run build\` at the repository root)`);
  }
  const wanted = new Set(
    (options.services ?? START_WAVES.flat()).filter((s) => {
      const needs = NEEDS_ENV[s];
      return isAvailable(s, runtime) && (needs === undefined || (baseEnv[needs] ?? '') !== '');
    }),
  );
  if (wanted.has('comment-counter') && (baseEnv.DATABASE_URL ?? '') === '') {
    throw new Error('AMQP_URL is set but DATABASE_URL is not: the comment-counter worker shares the comments database, so run PostgreSQL (or unset AMQP_URL for the in-process queue)');
  }
  const isolate = options.isolate ?? (options.ports === 'fixed' ? undefined : `p${process.pid}${randomBytes(3).toString('hex')}`);
  const logs: Record<string, string[]> = {};
  // No database named: ONE embedded PostgreSQL for every service (and replica), over the same
  // `pg` path as production, instead of a PGlite per process.
  const named = (baseEnv.DATABASE_URL ?? '') !== '' || (baseEnv.DATABASE_HOST ?? '') !== '';
  const embedded = named
    ? undefined
    : await spawnEmbeddedPostgres({
        runtime,
        dataDir: baseEnv.DATABASE_DATA_DIR ?? (isolate === undefined ? EMBEDDED_DATA_DIR : 'memory://'),
        onLine: (line) => {
          (logs['postgres'] ??= []).push(line);
          options.onLine?.('postgres', line, 'stderr');
        },
      });
  const processes = new Map<string, ServiceProcess>();
  const ports = new Map<string, number>();
  const urls: Partial<Record<ServiceName, string>> = {};
  const adminUrls: Partial<Record<ServiceName, string>> = {};
  const envs = new Map<string, Record<string, string | undefined>>();

  function envFor(id: string, service: ServiceName, port: number, adminPort: number): Record<string, string | undefined> {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env, PORT: String(port), ADMIN_PORT: String(adminPort) };
    if (embedded !== undefined) env.DATABASE_URL = embedded.url;
    for (const dep of DEPENDENCIES[service]) if (urls[dep] !== undefined) env[envName(dep)] = urls[dep];
    if (isolate !== undefined) {
      env.DATABASE_SCHEMA = `${schemaOf(service)}_${isolate}`;
      env.REDIS_PREFIX = `blog:${isolate}:${service}:`;
      env.EVENTS_QUEUE = `comment-events.${isolate}`;
    }
    Object.assign(env, options.serviceEnv?.[service]);
    return env;
  }

  async function launch(id: string, service: ServiceName, env: Record<string, string | undefined>): Promise<ServiceProcess> {
    logs[id] ??= [];
    const proc = await spawnService({
      id,
      service,
      env,
      runtime,
      onLine: (line, stream) => {
        logs[id]!.push(line);
        options.onLine?.(id, line, stream);
      },
    });
    processes.set(id, proc);
    ports.set(id, proc.port);
    envs.set(id, { ...env, PORT: String(proc.port), ADMIN_PORT: String(proc.adminPort) });
    return proc;
  }

  try {
    for (const wave of START_WAVES) {
      await Promise.all(
        wave
          .filter((s) => wanted.has(s))
          .map(async (service) => {
            const count = options.replicas?.[service] ?? 1;
            const started: ServiceProcess[] = [];
            for (let i = 1; i <= count; i++) {
              const id = i === 1 ? service : `${service}-${i}`;
              const fixed = options.ports === 'fixed' && i === 1;
              started.push(await launch(id, service, envFor(id, service, fixed ? FIXED_PORTS[service] : 0, fixed ? FIXED_ADMIN_PORTS[service] : 0)));
            }
            urls[service] = started.map((p) => `http://127.0.0.1:${p.port}`).join(',');
            adminUrls[service] = started.map((p) => `http://127.0.0.1:${p.adminPort}`).join(',');
          }),
      );
    }
    await Promise.all([...processes.values()].map((p) => p.ready));
  } catch (err) {
    await Promise.all([...processes.values()].map((p) => (p.child.kill('SIGKILL'), p.exited)));
    await embedded?.stop();
    throw err;
  }

  async function kill(id: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
    const proc = processes.get(id);
    if (proc === undefined) throw new Error(`no process ${id}`);
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill(signal);
    const code = await proc.exited;
    processes.delete(id);
    return code;
  }

  return {
    gatewayUrl: urls.gateway ?? '',
    urls,
    adminUrls,
    processes,
    embeddedDatabase: embedded,
    logs,
    kill,
    async restart(id) {
      const env = envs.get(id);
      if (env === undefined) throw new Error(`no process ${id} was ever started`);
      if (processes.has(id)) await kill(id);
      const service = (id.includes('-') ? id.slice(0, id.indexOf('-')) : id) as ServiceName;
      const proc = await launch(id, service, env);
      await proc.ready;
      return proc;
    },
    async stop(signal = 'SIGTERM') {
      for (const wave of [...START_WAVES].reverse()) {
        const ids = [...processes.values()].filter((p) => wave.includes(p.service)).map((p) => p.id);
        await Promise.all(ids.map((id) => kill(id, signal)));
      }
      await embedded?.stop();
    },
  };
}
