import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { entryOf, nodeArgsOf, type ServiceName, type ServiceRuntime } from './services.ts';

/** One running service process. */
export interface ServiceProcess {
  /** Process id within the platform: the service name, or `posts-2` for a second replica. */
  readonly id: string;
  readonly service: ServiceName;
  readonly child: ChildProcess;
  /** The public port it listens on (known once it said so). */
  readonly port: number;
  /** Its admin port: probes (`/health`, `/ready`, `/startup`) and `/metrics`. */
  readonly adminPort: number;
  /** Resolves with the exit code (or signal name) when the process exits. */
  readonly exited: Promise<number | string>;
  /** Resolves when the service finished starting (migrations applied, ready for traffic). */
  readonly ready: Promise<void>;
}

/** Options for {@link spawnService}. */
export interface SpawnOptions {
  readonly id: string;
  readonly service: ServiceName;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Every stdout/stderr line of the process. */
  readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Sources through type stripping, or the compiled `dist/`. @default 'source' */
  readonly runtime?: ServiceRuntime;
  /** Time allowed to become ready. @default 60000 */
  readonly readyTimeoutMs?: number;
}

/**
 * Spawns `node --conditions=@podkit/source src/<service>/main.ts` (or `node dist/<service>/main.js`
 * with `runtime: 'compiled'`) with an IPC channel and
 * resolves as soon as the service reports `listening` (its ports are known, so services that
 * call it can start), with `ready` resolving once its startup is done (migrations applied).
 * Rejects with its last output when it exits or times out first.
 */
export function spawnService(o: SpawnOptions): Promise<ServiceProcess> {
  const runtime = o.runtime ?? 'source';
  const child = spawn(process.execPath, [...nodeArgsOf(runtime), entryOf(o.service, runtime)], {
    env: o.env,
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
  let onReady!: () => void;
  let onFail!: (err: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  return new Promise<ServiceProcess>((resolve, reject) => {
    let listening = false;
    const timer = setTimeout(() => fail(new Error(`${o.id} did not become ready in time`)), o.readyTimeoutMs ?? 60_000);
    let done = false;
    function fail(err: Error): void {
      if (done) return;
      done = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      const error = new Error(`${err.message}\n${tail.join('\n')}`);
      if (listening) onFail(error);
      else reject(error);
    }
    child.on('message', (msg: { type?: string; port?: number; adminPort?: number }) => {
      if (msg.type === 'listening' && typeof msg.port === 'number' && typeof msg.adminPort === 'number' && !listening) {
        listening = true;
        resolve({ id: o.id, service: o.service, child, port: msg.port, adminPort: msg.adminPort, exited, ready });
      }
      if (msg.type === 'ready') {
        done = true;
        clearTimeout(timer);
        child.channel?.unref();
        onReady();
      }
    });
    void exited.then((code) => fail(new Error(`${o.id} exited (${String(code)}) before it was ready`)));
  });
}
