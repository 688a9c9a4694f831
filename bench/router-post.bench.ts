// The router's JSON body path (issue 18, part 2): POST /posts with the same 1 KiB JSON body (a
// realistic post: title, body text, tags, nested author), validated, answered 201 JSON, side by
// side in one run: bare node:http (JSON.parse + a hand check of the fields), Fastify 5 with a
// JSON schema (body + response schema), the podkit router with a zod schema through serve() with
// podkit's defaults, the same with the access log off, the router alone on node:http, and the bare
// handler under serve() (serve()'s own share). Each variant runs in its own process pinned to
// core 0 (taskset), autocannon on core 1. req/s at full load: a fresh process per variant and
// round, rounds interleaved, the median. CPU per request at a fixed rate (8,000 req/s): every
// variant running at once, loaded in turn in alternating 2 s windows (ten each), so the drift of
// a shared VM's speed (20-30 % within a minute here) falls on all variants alike.
// Run: node --conditions=@podkit/source bench/router-post.bench.ts
//      BENCH_PROFILE=podkit node --conditions=@podkit/source bench/router-post.bench.ts
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printProfile, writtenProfile } from './lib/cpu-profile.ts';
import type { ProfileSummary } from './lib/cpu-profile.ts';
import { assertClean, autocannon, childCpuMicros, cpuInWindows, hasTaskset, loadFigures, loadPhases, medianFigures, startTarget, stopChild } from './lib/load.ts';
import { round2 } from './lib/stats.ts';

/** The server variants (Fastify first: the target is relative to it). */
export type Variant = 'bare' | 'fastify' | 'podkit' | 'podkit-nolog' | 'router' | 'serve-bare';

const LABELS: Record<Variant, string> = {
  bare: 'bare node:http (JSON.parse + hand check)',
  fastify: 'Fastify 5 + JSON schema (body + response)',
  podkit: 'podkit router + zod, serve() defaults',
  'podkit-nolog': 'podkit router + zod, serve() access log off',
  router: 'podkit router + zod alone on node:http',
  'serve-bare': 'the bare handler under serve() defaults',
};

/** One measured variant. */
export interface RouterPostResult {
  readonly variant: Variant;
  readonly name: string;
  /** Requests/s at full load. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
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
  /** This variant's CPU per request ÷ Fastify's (target for `podkit`: ≤ 1.0). */
  readonly cpuVsFastify: number;
  /** This variant's CPU per request ÷ bare node:http's. */
  readonly cpuVsBare: number;
  /** Requests/s ÷ bare node:http's. */
  readonly rpsVsBare: number;
}

/** Options of {@link run}. */
export interface RouterPostOptions {
  /** Seconds of full-load measurement per variant. @default 3 */
  readonly seconds?: number;
  /** Keep-alive connections. @default 50 */
  readonly connections?: number;
  /** Fixed rate for the CPU figure (measured for min(seconds, 3) s). @default 8000 */
  readonly fixedRate?: number;
  /** Variants to run. @default all */
  readonly variants?: readonly Variant[];
  /** Full-load rounds (a fresh process per variant each), interleaved; the median is reported. @default 3 */
  readonly rounds?: number;
  /** Alternating fixed-rate windows per variant for the CPU figure. @default 10 */
  readonly windows?: number;
  /** Seconds per window. @default 2 */
  readonly windowSeconds?: number;
}

/** The request body every variant receives: 1 KiB of JSON, a realistic new post. */
export const POST_BODY: string = (() => {
  const post = {
    title: 'Running Node.js services on Kubernetes without surprises',
    body: '',
    tags: ['kubernetes', 'nodejs', 'observability', 'typescript'],
    author: { id: '6b1f8e0c-2d4a-4b7e-9f3c-1a2b3c4d5e6f', name: 'Ada Lovelace', email: 'ada@example.com' },
  };
  const prose = 'Readiness is not liveness: a pod that is busy should stop receiving traffic, not be restarted. ';
  const base = Buffer.byteLength(JSON.stringify(post));
  post.body = prose.repeat(Math.ceil(1024 / prose.length)).slice(0, 1024 - base); // ASCII: 1 char = 1 byte
  return JSON.stringify(post);
})();

const target = fileURLToPath(new URL('./router-post-target.ts', import.meta.url));
/** autocannon's request arguments: the POST with its JSON body. */
const POST_ARGS: readonly string[] = ['-m', 'POST', '-H', 'content-type=application/json', '-b', POST_BODY];

async function startServer(variant: Variant, nodeArgs: string[] = []): Promise<{ server: ChildProcess; url: string }> {
  const { child: server, line } = await startTarget(target, [variant], { core: 0, execArgv: nodeArgs });
  return { server, url: `http://127.0.0.1:${line}/posts` };
}

type Measured = Pick<RouterPostResult, 'variant' | 'name' | 'requestsPerSecond' | 'p50Ms' | 'p99Ms' | 'cpuMicrosPerRequest'>;

async function measure(variant: Variant, o: Required<RouterPostOptions>): Promise<Measured> {
  const { server, url } = await startServer(variant);
  try {
    const phases = await loadPhases(url, () => childCpuMicros(server), {
      connections: o.connections,
      seconds: o.seconds,
      fixedSeconds: Math.min(o.seconds, 3),
      fixedRate: o.fixedRate,
      requestArgs: POST_ARGS,
    });
    assertClean(variant, phases);
    return { variant, name: LABELS[variant], ...loadFigures(phases) };
  } finally {
    server.kill('SIGKILL');
  }
}
/**
 * Runs every variant `rounds` times at full load (interleaved, a fresh process each; median
 * req/s and latency), then measures CPU per request with all of them running, in alternating
 * fixed-rate windows.
 */
export async function run(options: RouterPostOptions = {}): Promise<RouterPostResult[]> {
  const o: Required<RouterPostOptions> = {
    seconds: options.seconds ?? 3,
    connections: options.connections ?? 50,
    fixedRate: options.fixedRate ?? 8000,
    variants: options.variants ?? ['bare', 'fastify', 'podkit', 'podkit-nolog', 'router', 'serve-bare'],
    rounds: options.rounds ?? 3,
    windows: options.windows ?? 10,
    windowSeconds: options.windowSeconds ?? 2,
  };
  const samples = new Map<Variant, Measured[]>();
  for (let round = 0; round < o.rounds; round++) {
    for (const variant of o.variants) samples.set(variant, [...(samples.get(variant) ?? []), await measure(variant, o)]);
    if (process.env.BENCH_VERBOSE) console.error(`round ${round + 1}: ${o.variants.map((v) => `${v} ${samples.get(v)!.at(-1)!.cpuMicrosPerRequest}`).join(', ')}`);
  }
  // CPU per request: every variant running at once, loaded in turn (alternating windows)
  const windows = await cpuInWindows(
    o.variants,
    async (variant) => {
      const { server, url } = await startServer(variant);
      return { url, cpu: () => childCpuMicros(server), stop: () => server.kill('SIGKILL') };
    },
    { windows: o.windows, windowSeconds: o.windowSeconds, rate: o.fixedRate, connections: o.connections, requestArgs: POST_ARGS },
  );
  if (process.env.BENCH_VERBOSE) console.error(`windows: ${o.variants.map((v) => `${v} ${windows.get(v)!.cpuMicrosPerRequest} (${windows.get(v)!.cpuWindowRange.join('-')})`).join(', ')}`);
  const results = o.variants.map((variant) => {
    const list = samples.get(variant)!;
    const median = medianFigures(list);
    return {
      variant,
      name: list[0]!.name,
      ...median,
      ...windows.get(variant)!,
      cpuMicrosPerProcessMedian: median.cpuMicrosPerRequest,
    };
  });
  const bare = results.find((r) => r.variant === 'bare');
  const fastify = results.find((r) => r.variant === 'fastify');
  return results.map((r) => ({
    ...r,
    cpuVsFastify: fastify ? round2(r.cpuMicrosPerRequest / fastify.cpuMicrosPerRequest) : Number.NaN,
    cpuVsBare: bare ? round2(r.cpuMicrosPerRequest / bare.cpuMicrosPerRequest) : Number.NaN,
    rpsVsBare: bare ? round2(r.requestsPerSecond / bare.requestsPerSecond) : Number.NaN,
  }));
}

/** Runs one variant under `node --cpu-prof` at the fixed rate and summarises where its CPU went. */
export async function profile(variant: Variant, options: RouterPostOptions = {}): Promise<ProfileSummary> {
  const dir = mkdtempSync(join(tmpdir(), 'podkit-prof-'));
  const { server, url } = await startServer(variant, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    const c = String(options.connections ?? 50);
    await autocannon(url, [...POST_ARGS, '-c', c, '-d', '1']);
    await autocannon(url, [...POST_ARGS, '-c', c, '-d', String(options.seconds ?? 3), '-R', String(options.fixedRate ?? 8000)]);
    await stopChild(server, 'SIGTERM');
    return writtenProfile(dir, variant);
  } finally {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.env.BENCH_PROFILE) {
    const variant = process.env.BENCH_PROFILE as Variant;
    printProfile(LABELS[variant], 8000, await profile(variant));
  } else {
    const options: RouterPostOptions = {
      seconds: Number(process.env.BENCH_SECONDS ?? 3),
      rounds: Number(process.env.BENCH_ROUNDS ?? 3),
      windows: Number(process.env.BENCH_WINDOWS ?? 10),
      ...(process.env.BENCH_VARIANTS ? { variants: process.env.BENCH_VARIANTS.split(',') as Variant[] } : {}),
    };
    console.log(`node ${process.version}, ${hasTaskset() ? 'server on core 0, autocannon on core 1' : 'NOT pinned'}, body ${Buffer.byteLength(POST_BODY)} B`);
    console.log(`${'variant'.padEnd(46)} ${'req/s'.padStart(7)} ${'p99'.padStart(4)} ${'µs CPU/req'.padStart(11)} ${'× Fastify'.padStart(10)} ${'× bare'.padStart(7)}`);
    for (const r of await run(options)) {
      console.log(
        `${r.name.padEnd(46)} ${String(r.requestsPerSecond).padStart(7)} ${String(r.p99Ms).padStart(4)} ${r.cpuMicrosPerRequest.toFixed(1).padStart(11)} ` +
          `${r.cpuVsFastify.toFixed(2).padStart(10)} ${r.cpuVsBare.toFixed(2).padStart(7)}`,
      );
    }
  }
}
