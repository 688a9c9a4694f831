// Requests/s, p50/p99 latency and the server's CPU time per request, side by side in one run:
// bare node:http, the same handler served by podkit (metrics + request id + trace context; then
// also an access-log line per request), Fastify, and Express 5 with pino-http + prom-client.
// Server pinned to core 0 and autocannon to core 1 with taskset. req/s and latency: a fresh process
// per variant and round, rounds interleaved, the median; CPU per request at the fixed rate: every
// variant running at once, loaded in turn in alternating 2 s windows (eight each by default, six
// in `npm run bench`), so a shared VM's drift falls on all of them alike. Run: node bench/http-server.bench.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printProfile, writtenProfile } from './lib/cpu-profile.ts';
import type { ProfileSummary } from './lib/cpu-profile.ts';
import { assertClean, autocannon, childCpuMicros, cpuInWindows, hasTaskset, loadFigures, loadPhases, medianFigures, startTarget, stopChild } from './lib/load.ts';

/** One measured server variant. */
export interface ServerBenchResult {
  readonly name: string;
  /** Requests/s with `connections` keep-alive connections, as fast as possible. */
  readonly requestsPerSecond: number;
  /** Median latency in ms at full load. */
  readonly p50Ms: number;
  /** 99th percentile latency in ms at full load. */
  readonly p99Ms: number;
  /**
   * Server CPU time (user + system) per request in µs at the fixed rate: every variant running
   * at once, measured in alternating windows (see `alternatingCpu`), total CPU ÷ total requests.
   */
  readonly cpuMicrosPerRequest: number;
  /** The lowest and highest window's CPU µs per request (the machine's drift within the run). */
  readonly cpuWindowRange: readonly [number, number];
  /** The median over the fresh processes of the full-load rounds, each at the fixed rate for 3 s (the earlier method). */
  readonly cpuMicrosPerProcessMedian: number;
  /** Requests/s relative to bare node:http. */
  readonly relative: number;
  /** Bare node:http's CPU per request divided by this variant's (1 = as cheap as bare). */
  readonly relativeCpu: number;
}

/** Options of {@link run}. */
export interface ServerBenchOptions {
  /** Seconds of full-load measurement per variant. @default 5 */
  readonly seconds?: number;
  /** Keep-alive connections. @default 50 */
  readonly connections?: number;
  /** Fixed request rate (req/s) for the CPU-per-request figure (measured for min(seconds, 3) s). @default 10000 */
  readonly fixedRate?: number;
  /** Variants to run. @default all */
  readonly variants?: readonly Variant[];
  /** Full-load rounds (a fresh process per variant each); variants interleaved, the median of each figure reported. @default 2 */
  readonly rounds?: number;
  /** Alternating fixed-rate windows per variant for the CPU figure. @default 8 */
  readonly windows?: number;
}

/** The server variants. */
export type Variant = 'bare' | 'podkit' | 'podkit-log' | 'podkit-log-pino' | 'podkit-log-async' | 'podkit-log-buffered' | 'fastify' | 'express';

const LABELS: Record<Variant, string> = {
  bare: 'bare node:http',
  podkit: 'podkit (metrics + request id + trace ctx)',
  'podkit-log': 'podkit (+ access-log line)',
  'podkit-log-pino': 'podkit (+ access line via pino generic)',
  'podkit-log-async': 'podkit (+ access-log line, async dest.)',
  'podkit-log-buffered': 'podkit (+ access-log line, 4 KiB buffer)',
  fastify: 'Fastify 5 (no logger)',
  express: 'Express 5 + pino-http + prom-client',
};

const target = fileURLToPath(new URL('./http-server-target.ts', import.meta.url));

async function measure(variant: Variant, o: Required<ServerBenchOptions>): Promise<Omit<ServerBenchResult, 'relative' | 'relativeCpu' | 'cpuWindowRange' | 'cpuMicrosPerProcessMedian'>> {
  const { child: server, line } = await startTarget(target, [variant], { core: 0 });
  try {
    const url = `http://127.0.0.1:${line}/`;
    const phases = await loadPhases(url, () => childCpuMicros(server), { connections: o.connections, seconds: o.seconds, fixedSeconds: Math.min(o.seconds, 3), fixedRate: o.fixedRate });
    assertClean(variant, phases);
    return { name: LABELS[variant], ...loadFigures(phases) };
  } finally {
    server.kill('SIGKILL');
  }
}

/**
 * Runs one variant's server under `node --cpu-prof` at the fixed rate and summarises where its
 * CPU went (self time per function, podkit's share, Node internals, GC): the evidence behind
 * a target that is missed or borderline. `BENCH_PROFILE=podkit-log node bench/http-server.bench.ts`.
 */
export async function profile(variant: Variant, options: ServerBenchOptions = {}): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'podkit-prof-'));
  const { child: server, line } = await startTarget(target, [variant], { core: 0, execArgv: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  try {
    const url = `http://127.0.0.1:${line}/`;
    const connections = String(options.connections ?? 50);
    await autocannon(url, ['-c', connections, '-d', '1']);
    await autocannon(url, ['-c', connections, '-d', String(options.seconds ?? 3), '-R', String(options.fixedRate ?? 10_000)]);
    await stopChild(server, 'SIGTERM'); // the target exits normally on SIGTERM, so V8 writes the profile
    return writtenProfile(dir, variant);
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs every variant `rounds` times (interleaved) and returns the median figures (bare first). */
export async function run(options: ServerBenchOptions = {}): Promise<ServerBenchResult[]> {
  const o: Required<ServerBenchOptions> = {
    seconds: options.seconds ?? 3,
    connections: options.connections ?? 50,
    fixedRate: options.fixedRate ?? 10_000,
    variants: options.variants ?? ['bare', 'podkit', 'podkit-log', 'podkit-log-pino', 'podkit-log-async', 'podkit-log-buffered', 'fastify', 'express'],
    rounds: options.rounds ?? 2,
    windows: options.windows ?? 8,
  };
  const samples = new Map<Variant, Array<Omit<ServerBenchResult, 'relative' | 'relativeCpu' | 'cpuWindowRange' | 'cpuMicrosPerProcessMedian'>>>();
  for (let round = 0; round < o.rounds; round++) {
    for (const variant of o.variants) {
      const list = samples.get(variant) ?? [];
      list.push(await measure(variant, o));
      samples.set(variant, list);
    }
  }
  // CPU per request: every variant running at once, loaded in turn (alternating windows)
  const windows = await cpuInWindows(
    o.variants,
    async (variant) => {
      const { child, line } = await startTarget(target, [variant], { core: 0 });
      return { url: `http://127.0.0.1:${line}/`, cpu: () => childCpuMicros(child), stop: () => child.kill('SIGKILL') };
    },
    { windows: o.windows, windowSeconds: 2, rate: o.fixedRate, connections: o.connections },
  );
  const results = o.variants.map((variant) => {
    const list = samples.get(variant)!;
    const median = medianFigures(list);
    return {
      name: list[0]!.name,
      ...median,
      ...windows.get(variant)!,
      cpuMicrosPerProcessMedian: median.cpuMicrosPerRequest,
    };
  });
  const bare = results[0]!.requestsPerSecond;
  const bareCpu = results[0]!.cpuMicrosPerRequest;
  return results.map((r) => ({
    ...r,
    relative: Math.round((r.requestsPerSecond / bare) * 100) / 100,
    relativeCpu: Math.round((bareCpu / r.cpuMicrosPerRequest) * 100) / 100,
  }));
}

function print(results: readonly ServerBenchResult[], o: ServerBenchOptions): void {
  console.log(
    `node ${process.version}, ${hasTaskset() ? 'server on core 0, autocannon on core 1' : 'NOT pinned (taskset missing)'}, ` +
      `${o.connections ?? 50} connections, req/s the median of ${o.rounds ?? 3} interleaved rounds, CPU in ${o.windows ?? 8} alternating windows per variant`,
  );
  console.log(
    `${'variant'.padEnd(44)} ${'req/s'.padStart(8)} ${'x bare'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ` +
      `${`µs CPU/req @${o.fixedRate ?? 10_000}/s`.padStart(22)} ${'x bare (CPU)'.padStart(13)}`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(44)} ${String(r.requestsPerSecond).padStart(8)} ${r.relative.toFixed(2).padStart(7)} ${String(r.p50Ms).padStart(7)} ` +
        `${String(r.p99Ms).padStart(7)} ${r.cpuMicrosPerRequest.toFixed(1).padStart(22)} ${r.relativeCpu.toFixed(2).padStart(13)}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.env.BENCH_PROFILE) {
  const variant = process.env.BENCH_PROFILE as Variant;
  printProfile(LABELS[variant], 10_000, await profile(variant));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options: ServerBenchOptions = {
    seconds: Number(process.env.BENCH_SECONDS ?? 3),
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    ...(process.env.BENCH_WINDOWS ? { windows: Number(process.env.BENCH_WINDOWS) } : {}),
    // e.g. BENCH_VARIANTS=bare,podkit,podkit-log (bare must come first: figures are relative to it)
    ...(process.env.BENCH_VARIANTS ? { variants: process.env.BENCH_VARIANTS.split(',') as Variant[] } : {}),
  };
  print(await run(options), options);
}
