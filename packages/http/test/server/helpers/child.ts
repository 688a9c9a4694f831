import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ChildService {
  child: ChildProcess;
  /** Resolves with the first stdout JSON message matching `event`. */
  next(event: string): Promise<Record<string, unknown>>;
  /** Every stdout JSON message so far. */
  messages: Array<Record<string, unknown>>;
  /** Resolves when the child exits. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  stderr(): string;
}

/**
 * Runs a TypeScript fixture in a child Node (the same binary as the test, workspace sources via
 * the `@podkit/source` condition) and parses its stdout as JSON lines.
 */
export function runFixture(file: string, env: Record<string, string> = {}): ChildService {
  const child = spawn(process.execPath, ['--conditions=@podkit/source', file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: Array<Record<string, unknown>> = [];
  const waiters: Array<{ event: string; resolve: (m: Record<string, unknown>) => void }> = [];
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  createInterface({ input: child.stdout }).on('line', (line) => {
    let msg: Record<string, unknown>;
    try {
      msg = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return; // not ours (e.g. a log line written elsewhere)
    }
    messages.push(msg);
    for (let i = waiters.length - 1; i >= 0; i--) {
      if (waiters[i]!.event === msg.event || waiters[i]!.event === msg.msg) waiters.splice(i, 1)[0]!.resolve(msg);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  return {
    child,
    messages,
    exited,
    stderr: () => err,
    next(event) {
      const seen = messages.find((m) => m.event === event || m.msg === event);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ event, resolve });
        void exited.then(({ code, signal }) => reject(new Error(`child exited (${code ?? signal}) before "${event}"; stderr:\n${err}`)));
      });
    },
  };
}
