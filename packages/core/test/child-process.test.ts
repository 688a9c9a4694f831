import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const fixture = fileURLToPath(new URL('./fixtures/sigterm-service.ts', import.meta.url));

interface Child {
  readonly proc: ChildProcess;
  readonly lines: Record<string, unknown>[];
  waitFor(msg: string): Promise<Record<string, unknown>>;
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(mode: 'exit' | 'natural' | 'crash', env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--conditions=@podkit/source', fixture, mode], {
    env: { ...process.env, ...env, KUBERNETES_SERVICE_HOST: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  const lines: Record<string, unknown>[] = [];
  const waiters: { msg: string; resolve: (l: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  proc.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve(line);
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.on('exit', (code, signal) => {
      if (code !== 0 && stderr) console.error(stderr);
      resolve({ code, signal, at: performance.now() });
    }),
  );
  return {
    proc,
    lines,
    exit,
    waitFor: (msg) => {
      const found = lines.find((l) => l.msg === msg);
      if (found) return Promise.resolve(found);
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push({ msg, resolve })),
        exit.then(() => {
          throw new Error(`child exited before logging "${msg}"`);
        }),
      ]);
    },
  };
}

describe('a real process receiving SIGTERM', () => {
  it('runs the sequence and exits 0', async () => {
    const child = start('exit');
    await child.waitFor('fixture ready');
    child.proc.kill('SIGTERM');
    const { code, signal } = await child.exit;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    const msgs = child.lines.map((l) => l.msg);
    expect(msgs).toEqual(expect.arrayContaining(['received SIGTERM', 'shutdown started', 'drainer finished', 'pool closed', 'shutdown complete']));
    expect(msgs.indexOf('drainer finished')).toBeLessThan(msgs.indexOf('pool closed'));
  }, 30_000);

  it('exits by itself afterwards: nothing keeps the process alive (exit only sets exitCode)', async () => {
    const child = start('natural');
    await child.waitFor('fixture ready');
    child.proc.kill('SIGTERM');
    const complete = await child.waitFor('shutdown complete');
    const completedAt = performance.now();
    const { code, at } = await child.exit;
    expect(complete.exitCode).toBe(0);
    expect(code).toBe(0);
    // No handle is left: the process ends as soon as the sequence is over, not after a timer.
    expect(at - completedAt).toBeLessThan(5000);
  }, 30_000);

  it('runs hooks exactly once when SIGTERM, SIGINT and SIGTERM arrive together', async () => {
    const child = start('exit', { FIXTURE_DELAY_MS: '300' });
    await child.waitFor('fixture ready');
    child.proc.kill('SIGTERM');
    child.proc.kill('SIGINT');
    child.proc.kill('SIGTERM');
    const { code } = await child.exit;
    expect(code).toBe(0);
    expect(child.lines.filter((l) => l.msg === 'pool closed')).toHaveLength(1);
    expect(child.lines.filter((l) => l.msg === 'shutdown started')).toHaveLength(1);
  }, 30_000);

  it('logs an uncaught exception as fatal, still drains and closes, and exits 1', async () => {
    const child = start('crash');
    const { code } = await child.exit;
    expect(code).toBe(1);
    const fatal = child.lines.find((l) => l.level === 'fatal');
    expect(fatal).toMatchObject({ msg: 'uncaught exception', err: { type: 'Error', message: 'boom in a callback' } });
    const msgs = child.lines.map((l) => l.msg);
    expect(msgs.indexOf('uncaught exception')).toBeLessThan(msgs.indexOf('pool closed'));
    expect(child.lines.at(-1)).toMatchObject({ msg: 'shutdown complete', exitCode: 1 });
  }, 30_000);
});
