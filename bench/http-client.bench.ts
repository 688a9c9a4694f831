// Calls/s through the podkit client (every layer on: breaker, retry budget, bulkhead, metrics on a
// registry, client span, request id from a request context) next to bare undici Pool.request and
// global fetch, in the same run, against a local upstream; 50 concurrent calls; upstream and load
// pinned to different cores with taskset when available. Also reports CPU µs per call of the load
// process, which a shared machine disturbs less than calls/s.
//
// Each variant runs in a process of its own (one per variant per round, rounds interleaved): undici's
// request() and global fetch share undici's code, and running fetch in the same process makes the
// JIT's view of that code polymorphic, which slowed bare Pool.request by a third (28.6 vs 18.2 µs of
// CPU per call, measured) and flattered any client that does not use request().
// Run: node bench/http-client.bench.ts   (uses the built packages; `npm run build` first, or add
// --conditions=@podkit/source to measure the sources directly)
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { runWithRequestContext } from '@podkit/core';
import { createClient } from '@podkit/http';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import { hasTaskset, pinned } from './lib/load.ts';
import { median } from './lib/stats.ts';

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
  /** The bare variant this one is compared with (absent for a baseline). */
  readonly baseline?: string;
  /** Best-round calls/s ÷ the baseline's. */
  readonly callsRatio?: number;
  /** The baseline's CPU per call ÷ this one's (above 1: cheaper than the baseline). */
  readonly cpuRatio?: number;
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

async function startUpstream(): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('./http-client-upstream.ts', import.meta.url));
  const args = [process.execPath, script];
  const child = pinned(1, args, { stdio: ['ignore', 'pipe', 'inherit'] });
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

/**
 * The measured variants, by name; each runs in a child process of its own. Two like-for-like pairs:
 * outside any request context (a background job), and inside one (a request handler: the server
 * has set a request context, so bare undici pays for it too, and the client also reads it and sends
 * `x-request-id`). Each podkit variant is judged against the bare undici variant of its pair.
 */
const VARIANTS = [
  'undici Pool.request',
  'podkit client (all layers)',
  'undici Pool.request, in a request context',
  'podkit client (all layers), in a request context',
  'global fetch',
] as const;
type Variant = (typeof VARIANTS)[number];

/** The bare variant each podkit variant is compared with. */
const BASELINE_OF: Partial<Record<Variant, Variant>> = {
  'podkit client (all layers)': 'undici Pool.request',
  'podkit client (all layers), in a request context': 'undici Pool.request, in a request context',
  'global fetch': 'undici Pool.request',
};

/** In a child: builds the call of `variant` against `url`, returns it and its cleanup. */
function variantCall(variant: Variant, url: string): { call: () => Promise<unknown>; close: () => Promise<void> } {
  switch (variant) {
    case 'undici Pool.request': {
      const pool = new Pool(url, { connections: 100, pipelining: 1, keepAliveTimeout: 4000 });
      return { call: async () => (await pool.request({ path: '/', method: 'GET' })).body.text(), close: () => pool.close() };
    }
    case 'undici Pool.request, in a request context': {
      const pool = new Pool(url, { connections: 100, pipelining: 1, keepAliveTimeout: 4000 });
      const ctx = { requestId: 'bench', deadline: Date.now() + 3_600_000 };
      return { call: () => runWithRequestContext(ctx, async () => (await pool.request({ path: '/', method: 'GET' })).body.text()), close: () => pool.close() };
    }
    case 'podkit client (all layers)': {
      const podkit = createClient({ name: 'bench', baseUrl: url, registry: new Registry() });
      return { call: async () => (await podkit.get('/')).text(), close: () => podkit.close() };
    }
    case 'podkit client (all layers), in a request context': {
      const podkit = createClient({ name: 'bench', baseUrl: url, registry: new Registry() });
      // A request context with a deadline, as serve() sets one: every attempt also sends
      // x-podkit-timeout-ms (the remaining budget) and is bounded by it.
      const ctx = { requestId: 'bench', deadline: Date.now() + 3_600_000 };
      return { call: () => runWithRequestContext(ctx, async () => (await podkit.get('/')).text()), close: () => podkit.close() };
    }
    case 'global fetch':
      return { call: async () => (await fetch(url)).text(), close: () => Promise.resolve() };
  }
}

/** Child mode: warms up for 1 s, measures `seconds`, prints `{ rate, cpu }` as JSON. */
async function child(variant: Variant, url: string, concurrency: number, seconds: number): Promise<void> {
  const { call, close } = variantCall(variant, url);
  await measure(call, concurrency, 1);
  const m = await measure(call, concurrency, seconds);
  await close();
  process.stdout.write(`${JSON.stringify(m)}\n`);
}

async function runChild(variant: Variant, url: string, concurrency: number, seconds: number): Promise<{ rate: number; cpu: number }> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', variant, url, String(concurrency), String(seconds)];
  const proc = pinned(0, [process.execPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  (proc.stdout as NodeJS.ReadableStream).on('data', (c: Buffer) => (out += c.toString()));
  const [code] = (await once(proc, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`bench child for ${variant} exited with ${String(code)}`);
  return JSON.parse(out) as { rate: number; cpu: number };
}

/** Runs the benchmark and returns calls/s per variant (best and median of rounds). */
export async function run(options: ClientBenchOptions = {}): Promise<ClientBenchResult[]> {
  const { concurrency = 50, seconds = 3, rounds = 5 } = options;
  const { child: upstream, url } = await startUpstream();
  const samples = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  const cpu = new Map<Variant, number[]>(VARIANTS.map((v) => [v, []]));
  try {
    for (let r = 0; r < rounds; r++) {
      for (const variant of VARIANTS) {
        const m = await runChild(variant, url, concurrency, seconds);
        samples.get(variant)?.push(m.rate);
        cpu.get(variant)?.push(m.cpu);
      }
    }
  } finally {
    upstream.kill('SIGTERM');
  }
  const best = (v: Variant): number => Math.max(...(samples.get(v) ?? []));
  const leastCpu = (v: Variant): number => Math.min(...(cpu.get(v) ?? []));
  return VARIANTS.map((name) => {
    const base = BASELINE_OF[name];
    return {
      name,
      callsPerSecond: best(name),
      medianCallsPerSecond: median(samples.get(name) ?? []),
      cpuMicrosPerCall: leastCpu(name),
      rounds: samples.get(name) ?? [],
      ...(base !== undefined ? { baseline: base, callsRatio: best(name) / best(base), cpuRatio: leastCpu(base) / leastCpu(name) } : {}),
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--child') {
  const [, , , variant, url, concurrency, seconds] = process.argv;
  await child(variant as Variant, url as string, Number(concurrency), Number(seconds));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await run();
  console.log(`node ${process.version}, 50 concurrent, taskset ${hasTaskset() ? 'on (load core 0, upstream core 1)' : 'unavailable'}; best round (median in brackets)`);
  for (const r of results) {
    const vs = r.baseline === undefined ? 'baseline' : `${(r.callsRatio ?? 0).toFixed(2)}x calls/s, ${(r.cpuRatio ?? 0).toFixed(2)}x CPU vs ${r.baseline}`;
    console.log(
      `${r.name.padEnd(50)} ${Math.round(r.callsPerSecond).toString().padStart(7)} calls/s (median ${Math.round(r.medianCallsPerSecond)})  ` +
        `${r.cpuMicrosPerCall.toFixed(1).padStart(5)} µs CPU/call  ${vs}  rounds: ${r.rounds.map((x) => Math.round(x)).join(', ')}`,
    );
  }
}
