/**
 * A real Prometheus for tests: the `prometheus` binary on loopback with a temporary data
 * directory and a given configuration, plus a small client for its HTTP API. Waiting is done by
 * polling the API for a condition with a bounded deadline (Prometheus has no push notification).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Is the prometheus binary installed? */
export function hasPrometheus(): boolean {
  return spawnSync('prometheus', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** A free loopback port (Prometheus cannot report the port it bound when given port 0). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A running Prometheus. */
export interface PrometheusServer {
  readonly url: string;
  /** Everything Prometheus logged (for failure messages). */
  output(): string;
  /** GET an API path; returns `data` of a successful answer, throws otherwise. */
  api<T = unknown>(pathAndQuery: string): Promise<T>;
  /** Stops the process and removes the data directory. */
  close(): Promise<void>;
}

/** Starts Prometheus with `configYaml`; resolves once `/-/ready` answers. */
export async function startPrometheus(configYaml: string, deadlineMs = 60_000): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'blog-prometheus-'));
  const configFile = path.join(dir, 'prometheus.yml');
  writeFileSync(configFile, configYaml);
  const port = await freePort();
  const url = `http://127.0.0.1:${String(port)}`;
  let log = '';
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${String(port)}`,
      '--storage.tsdb.retention.time=1h',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (b: Buffer) => (log += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (log += b.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const server: PrometheusServer = {
    url,
    output: () => log,
    async api<T>(pathAndQuery: string): Promise<T> {
      const res = await fetch(`${url}${pathAndQuery}`);
      const body = (await res.json()) as { status: string; data: T; error?: string };
      if (body.status !== 'success') throw new Error(`${pathAndQuery}: ${body.error ?? res.status}`);
      return body.data;
    },
    async close(): Promise<void> {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const ready = await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited (${String(child.exitCode)}):\n${log}`);
      const res = await fetch(`${url}/-/ready`).catch(() => undefined);
      return res?.ok === true ? true : undefined;
    },
    deadlineMs,
  ).catch(async (err: unknown) => {
    await server.close();
    throw err;
  });
  if (ready !== true) throw new Error('unreachable');
  return server;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, or fails after `deadlineMs`
 * with the last error. The condition is checked right away, then every `everyMs`.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, deadlineMs: number, everyMs = 250): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
      if (err instanceof Error && err.message.startsWith('prometheus exited')) throw err;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${String(deadlineMs)} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await delay(everyMs);
  }
}
