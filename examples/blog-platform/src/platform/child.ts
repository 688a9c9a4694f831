import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { entryOf, type ServiceName } from './services.ts';

/** One running service process. */
export interface ServiceProcess {
  /** Process id within the platform: the service name, or `posts-2` for a second replica. */
  readonly id: string;
  readonly service: ServiceName;
  readonly child: ChildProcess;
  /** The port it listens on (known once it said so). */
  readonly port: number;
  /** Resolves with the exit code (or signal name) when the process exits. */
  readonly exited: Promise<number | string>;
}

/** Options for {@link spawnService}. */
export interface SpawnOptions {
  readonly id: string;
  readonly service: ServiceName;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every stdout/stderr line of the process. */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Time allowed to become ready. @default 60000 */
  readonly readyTimeoutMs?: number;
}

/**
 * Spawns `node --conditions=@podkit/source src/<service>/main.ts` with an IPC channel and
 * resolves when the service reports `ready` (startup done: migrations applied, probes up),
 * with the port it reported. Rejects with its last output when it exits or times out first.
 */
export function spawnService(o: SpawnOptions): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--conditions=@podkit/source', entryOf(o.service)], {
    env: o.env as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const tail: string[] = [];
  const line = (stream: 'stdout' | 'stderr') => (text: string) => {
    tail.push(text);
    if (tail.length > 20) tail.shift();
    o.onLine(text, stream);
  };
  createInterface({ input: child.stdout! }).on('line', line('stdout'));
  createInterface({ input: child.stderr! }).on('line', line('stderr'));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return new Promise<ServiceProcess>((resolve, reject) => {
    let port = 0;
    const timer = setTimeout(() => fail(new Error(`${o.id} did not become ready in time`)), o.readyTimeoutMs ?? 60_000);
    function fail(err: Error): void {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${tail.join('\n')}`));
    }
    child.on('message', (msg: { type?: string; port?: number }) => {
      if (typeof msg.port === 'number') port = msg.port;
      if (msg.type === 'ready') {
        clearTimeout(timer);
        child.channel?.unref();
        resolve({ id: o.id, service: o.service, child, port, exited });
      }
    });
    void exited.then((code) => fail(new Error(`${o.id} exited (${String(code)}) before it was ready`)));
  });
}
