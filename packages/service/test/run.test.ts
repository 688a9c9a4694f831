/**
 * runService as a process entry point (a child process each): exit 78 with every config
 * problem on one stderr message, 78 for a ConfigurationError from setup, 1 for a failing setup
 * after its hooks ran, and 0 after SIGTERM.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_KEY } from './helpers/service.ts';

const entry = fileURLToPath(new URL('./fixtures/greeter.ts', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--conditions=@podkit/source', entry], {
    env: { PATH: process.env.PATH ?? '', PODKIT_CONFIG_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const lines: Array<Record<string, unknown>> = [];
  const waiters: Array<{ msg: string; resolve: (line: Record<string, unknown>) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (text) => {
    stdout += `${text}\n`;
    const line = JSON.parse(text) as Record<string, unknown>;
    lines.push(line);
    for (const w of waiters.filter((w) => w.msg === line.msg)) w.resolve(line);
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = once(child, 'close') as Promise<[number | null]>;
  return {
    child,
    lines,
    output: () => ({ stdout, stderr }),
    code: async () => (await closed)[0],
    /** Resolves with the first line logging `msg`; rejects when the process exits first. */
    waitFor: (msg: string): Promise<Record<string, unknown>> =>
      Promise.race([
        new Promise<Record<string, unknown>>((resolve) => {
          const found = lines.find((l) => l.msg === msg);
          if (found) resolve(found);
          else waiters.push({ msg, resolve });
        }),
        closed.then(([code]) => {
          throw new Error(`exited ${String(code)} before logging "${msg}":\n${stdout}${stderr}`);
        }),
      ]),
  };
}

describe('runService as the entry point', () => {
  it('invalid config: exit 78, one message listing every problem, nothing on stdout, no stack', async () => {
    const proc = run({ PORT: '80a', LOG_LEVEL: 'shout' });
    expect(await proc.code()).toBe(78);
    const { stdout, stderr } = proc.output();
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^greeter: Invalid configuration \(3 problems\):/);
    for (const key of ['port', 'log.level', 'apiKey']) expect(stderr).toContain(`- ${key}:`);
    expect(stderr).toMatch(/\(ERR_PODKIT_CONFIG_INVALID\)\n$/);
    expect(stderr).not.toMatch(/^\s+at /m);
  });

  it('a ConfigurationError from setup: exit 78, one line on stderr, the hooks ran', async () => {
    const proc = run({ API_KEY, PORT: '0', ADMIN_PORT: '0', FAIL_SETUP: 'config' });
    expect(await proc.code()).toBe(78);
    expect(proc.output().stderr).toBe('greeter: signing-key (from SIGNING_KEY) is not a PEM key (ERR_PODKIT_CONFIGURATION)\n');
    expect(proc.lines.some((l) => l.msg === 'shutdown hook done' && l.hook === 'pool')).toBe(true);
  });

  it('a failing setup: exit 1 after the shutdown hooks ran', async () => {
    const proc = run({ API_KEY, PORT: '0', ADMIN_PORT: '0', FAIL_SETUP: 'bug' });
    expect(await proc.code()).toBe(1);
    expect(proc.output().stderr).toContain('greeter: startup failed: Error: migrations failed');
    expect(proc.lines.find((l) => l.msg === 'startup failed')).toBeDefined();
    expect(proc.lines.some((l) => l.msg === 'shutdown hook done' && l.hook === 'pool')).toBe(true);
  });

  it('serves, then SIGTERM drains, runs the hooks and exits 0; the secret is in no line', async () => {
    const proc = run({ API_KEY, PORT: '0', ADMIN_PORT: '0' });
    const port = (await proc.waitFor('test: listening')).port as number;
    await proc.waitFor('service ready');
    expect(await (await fetch(`http://127.0.0.1:${port}/hello`)).json()).toEqual({ greeting: 'hello' });
    proc.child.kill('SIGTERM');
    expect(await proc.code()).toBe(0);
    expect(proc.lines.at(-1)).toMatchObject({ msg: 'shutdown complete', exitCode: 0 });
    expect(proc.output().stdout + proc.output().stderr).not.toContain(API_KEY);
  });

  it('buffered log lines: N requests then SIGTERM, all N access lines reach stdout, exit 0', async () => {
    const proc = run({ API_KEY, PORT: '0', ADMIN_PORT: '0' });
    const port = (await proc.waitFor('test: listening')).port as number;
    await proc.waitFor('service ready');
    const n = 200;
    for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${port}/hello?i=${String(i)}`)).arrayBuffer();
    proc.child.kill('SIGTERM');
    expect(await proc.code()).toBe(0);
    const access = proc.lines.filter((l) => l.msg === 'request completed' && l.route === '/hello');
    expect(access).toHaveLength(n);
    expect(proc.lines.at(-1)).toMatchObject({ msg: 'shutdown complete', exitCode: 0 });
  });

  it('an uncaught exception: the buffered access lines are written before the fatal line, exit 1', async () => {
    const proc = run({ API_KEY, PORT: '0', ADMIN_PORT: '0' });
    const port = (await proc.waitFor('test: listening')).port as number;
    await proc.waitFor('service ready');
    const n = 20;
    for (let i = 0; i < n; i++) await (await fetch(`http://127.0.0.1:${port}/hello`)).arrayBuffer();
    await (await fetch(`http://127.0.0.1:${port}/crash`)).arrayBuffer();
    expect(await proc.code()).toBe(1);
    const fatal = proc.lines.findIndex((l) => l.msg === 'uncaught exception');
    expect(fatal).toBeGreaterThan(0);
    expect(proc.lines[fatal]).toMatchObject({ level: 'fatal', err: { message: 'crashed outside the request' } });
    const before = proc.lines.slice(0, fatal).filter((l) => l.msg === 'request completed' && l.route === '/hello');
    expect(before).toHaveLength(n);
  });
});
