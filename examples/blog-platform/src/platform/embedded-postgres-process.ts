import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { nodeArgsOf, SRC_DIR, type ServiceRuntime } from './services.ts';

/** The platform's shared embedded PostgreSQL, running as its own process. */
export interface EmbeddedPostgresProcess {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`: every service's `DATABASE_URL`. */
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Stops it (SIGTERM: PGlite closes and flushes its data directory) and waits for the exit. */
  stop(): Promise<void>;
}

/**
 * Starts `embedded-postgres-main` as a child process and resolves once it listens. One
 * WebAssembly PostgreSQL for the whole platform instead of one per service (see MEASUREMENTS.md).
 */
export function spawnEmbeddedPostgres(o: {
  readonly dataDir: string;
  readonly runtime: ServiceRuntime;
  readonly onLine?: (line: string) => void;
  /** @default 60000 */
  readonly readyTimeoutMs?: number;
}): Promise<EmbeddedPostgresProcess> {
  const entry = o.runtime === 'compiled' ? path.join(SRC_DIR, '..', 'dist', 'platform', 'embedded-postgres-main.js') : path.join(SRC_DIR, '..', 'src', 'platform', 'embedded-postgres-main.ts');
  const child = spawn(process.execPath, [...nodeArgsOf(o.runtime), entry], {
    env: { ...process.env, EMBEDDED_POSTGRES_DATA_DIR: o.dataDir },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
    for (const line of c.toString().split('\n')) if (line !== '') o.onLine?.(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedded PostgreSQL did not start in time\n${stderr}`));
    }, o.readyTimeoutMs ?? 60_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the embedded PostgreSQL exited (${String(code ?? signal)}) before it listened\n${stderr}`));
    });
    child.on('message', (msg: { type?: string; url?: string }) => {
      if (msg.type !== 'listening' || typeof msg.url !== 'string') return;
      clearTimeout(timer);
      child.channel?.unref();
      resolve({
        url: msg.url,
        pid: child.pid!,
        child,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    });
  });
}
