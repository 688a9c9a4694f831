/**
 * docs/getting-started.md works as written. The files the guide tells a reader to save
 * ("Save this as `main.ts`:" followed by a code block) are extracted verbatim into a scratch
 * directory inside the repository (so `@podkit/*`, zod and express resolve from the workspace),
 * then run as real processes the way the guide runs them: the config error and its exit status,
 * the Express integration, and the two-service example with probes, metrics, request ids crossing
 * the client, a 503 when the upstream is gone, and a SIGTERM that drains and exits 0.
 *
 * The release check of the same guide (npm pack tarballs installed in a directory outside the
 * repository) is described in the issue report; this test keeps the code blocks from rotting.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const guide = readFileSync(path.join(repoRoot, 'docs', 'getting-started.md'), 'utf8');
const dir = path.join(repoRoot, '.tmp', `getting-started-${process.pid}`);

/** Every "Save this as `name`:" block of the guide, verbatim. */
function savedFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const m of guide.matchAll(/Save this as `([^`]+)`[^\n]*\n(?:[^\n]*\n)*?```(?:ts|js)\n([\s\S]*?)```/g)) {
    files.set(m[1]!, m[2]!);
  }
  return files;
}

/** A free port (the services take their port from PORT, as the guide runs them). */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

interface Proc {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Resolves when a stdout line contains `text`. */
  waitFor(text: string): Promise<void>;
  /** Resolves with the exit code once the process exits by itself. */
  exit(): Promise<number | null>;
  /** Sends SIGTERM; resolves with the exit code. */
  stop(): Promise<number | null>;
}

function run(file: string, env: Record<string, string>, port?: number): Proc {
  const child = spawn(process.execPath, ['--conditions=@podkit/source', file], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', ...env, ...(port !== undefined ? { PORT: String(port) } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const exited = once(child, 'exit') as Promise<[number | null]>;
  const onData = (chunk: Buffer): void => {
    out += chunk.toString();
    for (const w of [...waiters]) {
      if (out.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    url: `http://127.0.0.1:${port ?? 0}`,
    output: () => out,
    waitFor: (text) =>
      out.includes(text)
        ? Promise.resolve()
        : Promise.race([
            new Promise<void>((resolve) => waiters.push({ text, resolve })),
            exited.then(([code]) => {
              throw new Error(`${file} exited (${String(code)}) before printing "${text}":\n${out}`);
            }),
          ]),
    exit: async () => (await exited)[0],
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}

const running: Proc[] = [];
const start = async (file: string, env: Record<string, string> = {}): Promise<Proc> => {
  const proc = run(file, env, await freePort());
  running.push(proc);
  await proc.waitFor('"msg":"service started"');
  return proc;
};

beforeAll(() => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [name, text] of savedFiles()) writeFileSync(path.join(dir, name), text);
});

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/getting-started.md', () => {
  it('tells the reader to save the files it then runs', () => {
    expect([...savedFiles().keys()].sort()).toEqual(['config.ts', 'fastify.ts', 'main.ts', 'plain.ts', 'routes.ts', 'server.ts']);
  });

  it('part 1: the Express service serves, probes, counts by route template, logs the request id, and exits 0 on SIGTERM', async () => {
    const orders = await start('server.ts');
    const res = await fetch(`${orders.url}/orders/42`, { headers: { 'x-request-id': 'demo-1' } });
    expect(await res.json()).toEqual({ id: '42', status: 'shipped' });
    for (const probe of ['/health', '/ready', '/startup']) expect((await fetch(`${orders.url}${probe}`)).status).toBe(200);
    expect(await (await fetch(`${orders.url}/metrics`)).text()).toMatch(/http_requests_total\{[^}]*route="\/orders\/:id"/);
    expect(orders.output()).toMatch(/"request_id":"demo-1"[^\n]*"msg":"loading order"/);
    // The recipe's last line, the error handler: a problem without the stack, one JSON error line.
    const failed = await fetch(`${orders.url}/orders/42/invoice`, { headers: { 'x-request-id': 'demo-err' } });
    expect(failed.status).toBe(500);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    expect(await failed.text()).not.toMatch(/ at |refused/);
    await orders.waitFor('"msg":"request handler failed"');
    expect(orders.output().match(/"level":"error"[^\n]*"request_id":"demo-err"[^\n]*"msg":"request handler failed"|"request_id":"demo-err"[^\n]*"level":"error"[^\n]*"msg":"request handler failed"/)).not.toBeNull();
    expect(orders.output()).not.toMatch(/^\s+at /m);
    expect(await orders.stop()).toBe(0);
    expect(orders.output()).toContain('"msg":"shutdown complete"');
  }, 60_000);

  it('part 1: the Fastify app serves, probes, counts by route template, logs the request id, and exits 0 on SIGTERM', async () => {
    const catalog = await start('fastify.ts');
    const res = await fetch(`${catalog.url}/items/7`, { headers: { 'x-request-id': 'demo-f' } });
    expect(await res.json()).toEqual({ id: '7' });
    for (const probe of ['/health', '/ready', '/startup']) expect((await fetch(`${catalog.url}${probe}`)).status).toBe(200);
    expect(await (await fetch(`${catalog.url}/metrics`)).text()).toMatch(/http_requests_total\{[^}]*route="\/items\/:id"/);
    expect(catalog.output()).toMatch(/"request_id":"demo-f"[^\n]*"msg":"loading item"/);
    expect(await catalog.stop()).toBe(0);
    expect(catalog.output()).toContain('"msg":"shutdown complete"');
  }, 60_000);

  it('part 1: the plain node:http handler', async () => {
    const hello = await start('plain.ts');
    expect(await (await fetch(`${hello.url}/x`)).json()).toEqual({ hello: 'world', path: '/x' });
    expect(await hello.stop()).toBe(0);
  }, 60_000);

  it('part 2: without an API key, the config error alone and exit status 78', async () => {
    const proc = run('main.ts', {});
    expect(await proc.exit()).toBe(78);
    expect(proc.output()).toMatch(/^greeter: Invalid configuration \(1 problem\):\n {2}- apiKey: required but not set/);
    expect(proc.output()).not.toMatch(/^\s+at /m);
  }, 60_000);

  it('part 2: two services, the client between them, and a clean SIGTERM', async () => {
    const quotes = await start('main.ts', { API_KEY: 'dev-key-123' });
    const greeter = await start('main.ts', { API_KEY: 'dev-key-123', QUOTES_URL: quotes.url });

    expect(await (await fetch(`${greeter.url}/greet/Ada?lang=fr`)).json()).toEqual({ message: 'Bonjour, Ada !' });
    const invalid = await fetch(`${greeter.url}/greet/Ada?lang=de`);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');

    const quote = await fetch(`${greeter.url}/quote-of-the-day`, { headers: { 'x-request-id': 'demo-2' } });
    expect(await quote.json()).toMatchObject({ text: expect.any(String), author: expect.any(String) });
    await quotes.waitFor('"request_id":"demo-2"');

    expect((await fetch(`${greeter.url}/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${greeter.url}/metrics`)).text();
    expect(metrics).toMatch(/^greetings_total\{lang="fr"/m);
    expect(metrics).toMatch(/^http_client_requests_total\{client="quotes",method="GET",status="200"/m);
    expect(greeter.output() + quotes.output()).not.toContain('dev-key-123');

    expect(await quotes.stop()).toBe(0);
    expect((await fetch(`${greeter.url}/quote-of-the-day`)).status).toBe(503);

    expect(await greeter.stop()).toBe(0);
    const hooks = [...greeter.output().matchAll(/"hook":"([^"]+)"[^\n]*"msg":"shutdown hook done"/g)].map((m) => m[1]);
    expect(hooks.filter((h) => !h!.endsWith('-admin'))).toEqual(['upstream-clients', 'config-watch', 'telemetry', 'health-checks']);
  }, 90_000);
});
