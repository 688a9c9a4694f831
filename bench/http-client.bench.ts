// Calls/s through the podkit client (every layer on: breaker, retry budget, bulkhead, metrics on a
// registry, client span, request id from a request context) next to bare undici Pool.request and
// global fetch, in the same run, against a local upstream; 50 concurrent calls; upstream and load
// pinned to different cores with taskset when available. Also reports CPU µs per call of the load
// process, which a shared machine disturbs less than calls/s.
// Run: node bench/http-client.bench.ts   (uses the built packages; `npm run build` first, or add
// --conditions=@podkit/source to measure the sources directly)
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { runWithRequestContext } from '@podkit/core';
import { createClient } from '@podkit/http';
import { Registry } from 'prom-client';
import { Pool } from 'undici';

/** One measured variant. */
export interface ClientBenchResult {
  readonly name: string;
  /**
   * Best round's calls/s. Variants are interleaved round by round, so each gets the same chances of
   * a quiet moment on a shared machine; the best round is the least disturbed estimate.
   */
  readonly callsPerSecond: number;
  /** Median calls/s over the rounds. */
  readonly medianCallsPerSecond: number;
  /** Lowest per-round CPU time (user + system) of the load process per call, in µs. */
  readonly cpuMicrosPerCall: number;
  /** Per-round calls/s. */
  readonly rounds: readonly number[];
}

/** Options of {@link run}. */
export interface ClientBenchOptions {
  /** Concurrent calls. @default 50 */
  readonly concurrency?: number;
  /** Seconds per variant per round. @default 3 */
  readonly seconds?: number;
  /** Rounds (variants interleaved each round). @default 5 */
  readonly rounds?: number;
}

const hasTaskset = spawnSync('taskset', ['-V']).status === 0;

async function startUpstream(): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('./http-client-upstream.ts', import.meta.url));
  const args = [process.execPath, script];
  const child = hasTaskset ? spawn('taskset', ['-c', '1', ...args], { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(args[0] as string, args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout as NodeJS.ReadableStream, 'data')) as [Buffer];
  return { child, url: `http://127.0.0.1:${line.toString().trim()}` };
}

async function measure(call: () => Promise<unknown>, concurrency: number, seconds: number): Promise<{ rate: number; cpu: number }> {
  let done = 0;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop) {
      await call();
      done++;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  const timer = setTimeout(() => (stop = true), seconds * 1000);
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearTimeout(timer);
  const used = process.cpuUsage(cpu);
  return { rate: done / ((performance.now() - started) / 1000), cpu: (used.user + used.system) / done };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Runs the benchmark and returns calls/s per variant (median of rounds). */
export async function run(options: ClientBenchOptions = {}): Promise<ClientBenchResult[]> {
  const { concurrency = 50, seconds = 3, rounds = 5 } = options;
  if (hasTaskset) spawnSync('taskset', ['-cp', '0', String(process.pid)]);
  const { child, url } = await startUpstream();
  const pool = new Pool(url, { connections: 100, pipelining: 1, keepAliveTimeout: 4000 });
  const podkit = createClient({ name: 'bench', baseUrl: url, registry: new Registry() });
  const variants: Record<string, () => Promise<unknown>> = {
    'undici Pool.request': async () => (await pool.request({ path: '/', method: 'GET' })).body.text(),
    'podkit client (all layers)': () =>
      runWithRequestContext({ requestId: 'bench' }, async () => (await podkit.get('/')).text()),
    'global fetch': async () => (await fetch(url)).text(),
  };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const cpu: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  try {
    for (const [, call] of Object.entries(variants)) await measure(call, concurrency, 1);
    for (let r = 0; r < rounds; r++) {
      for (const [name, call] of Object.entries(variants)) {
        const m = await measure(call, concurrency, seconds);
        samples[name]?.push(m.rate);
        cpu[name]?.push(m.cpu);
      }
    }
  } finally {
    await Promise.all([pool.close(), podkit.close()]);
    child.kill('SIGTERM');
  }
  return Object.entries(samples).map(([name, xs]) => ({
    name,
    callsPerSecond: Math.max(...xs),
    medianCallsPerSecond: median(xs),
    cpuMicrosPerCall: Math.min(...(cpu[name] ?? [])),
    rounds: xs,
  }));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await run();
  const base = results[0]?.callsPerSecond ?? 1;
  const baseCpu = results[0]?.cpuMicrosPerCall ?? 1;
  console.log(`node ${process.version}, 50 concurrent, taskset ${hasTaskset ? 'on (load core 0, upstream core 1)' : 'unavailable'}; best round (median in brackets)`);
  for (const r of results) {
    console.log(
      `${r.name.padEnd(28)} ${Math.round(r.callsPerSecond).toString().padStart(7)} calls/s  ${(r.callsPerSecond / base).toFixed(2)}x  ` +
        `${r.cpuMicrosPerCall.toFixed(1).padStart(5)} µs CPU/call (${(baseCpu / r.cpuMicrosPerCall).toFixed(2)}x)  ` +
        `median ${Math.round(r.medianCallsPerSecond)} (${(r.medianCallsPerSecond / (results[0]?.medianCallsPerSecond ?? 1)).toFixed(2)}x)  rounds: ${r.rounds.map((x) => Math.round(x)).join(', ')}`,
    );
  }
}
