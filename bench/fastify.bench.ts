// Fastify side by side, in one run (issue 17): bare node:http, podkit's serve(), Fastify alone,
// Fastify + the podkit plugin (serveFastify, podkit's defaults: metrics, request id, trace
// context, access log), and Fastify + its pino logger + prom-client (the tuned stack). Each variant
// is its own process pinned to core 0, autocannon on core 1 (taskset); req/s and p50/p99 at full
// load, then the server's CPU time per request at a fixed rate. Target: the plugin costs Fastify
// no more than serve() costs bare node:http. Run: node bench/fastify.bench.ts
import { fileURLToPath } from 'node:url';
import { assertClean, childCpuMicros, hasTaskset, loadFigures, loadPhases, medianFigures, startTarget } from './lib/load.ts';
import { round2 } from './lib/stats.ts';

/** One measured variant. */
export interface FastifyBenchResult {
  readonly variant: FastifyVariant;
  readonly name: string;
  /** Requests/s with `connections` keep-alive connections, as fast as possible. */
  readonly requestsPerSecond: number;
  /** Median latency in ms at full load. */
  readonly p50Ms: number;
  /** 99th percentile latency in ms at full load. */
  readonly p99Ms: number;
  /** Server CPU time (user + system) per request in µs at the fixed rate. */
  readonly cpuMicrosPerRequest: number;
  /** The variant this one is compared with (`bare` for serve(), `fastify` for the Fastify stacks). */
  readonly baseline: FastifyVariant | undefined;
  /** Requests/s relative to the baseline. */
  readonly relative: number | undefined;
  /** The baseline's CPU per request divided by this variant's (1 = as cheap as the baseline). */
  readonly relativeCpu: number | undefined;
}

/** Options of {@link run}. */
export interface FastifyBenchOptions {
  /** Seconds of full-load measurement per variant. @default 3 */
  readonly seconds?: number;
  /** Keep-alive connections. @default 50 */
  readonly connections?: number;
  /** Fixed request rate (req/s) for the CPU-per-request figure. @default 10000 */
  readonly fixedRate?: number;
  /** Rounds; variants are interleaved each round and the median of each figure is reported. @default 2 */
  readonly rounds?: number;
  /** Variants to run, each after its baseline. @default the five of the issue, and `fastify-serve` */
  readonly variants?: readonly FastifyVariant[];
}

/** The variants, in the order they run and are reported. */
export type FastifyVariant = 'bare' | 'podkit' | 'fastify' | 'fastify-podkit' | 'fastify-podkit-nolog' | 'fastify-serve' | 'fastify-pino-prom';

// fastify-serve (serve(app.routing) without the plugin) splits the plugin's cost from serve()'s.
const VARIANTS: readonly FastifyVariant[] = ['bare', 'podkit', 'fastify', 'fastify-serve', 'fastify-podkit', 'fastify-pino-prom'];
const LABELS: Record<FastifyVariant, string> = {
  bare: 'bare node:http',
  podkit: "podkit serve() (defaults, access log on)",
  fastify: 'Fastify 5 alone (no logger)',
  'fastify-podkit': 'Fastify 5 + podkit plugin (serveFastify, defaults)',
  'fastify-podkit-nolog': 'Fastify 5 + podkit plugin, without fastifyOptions()',
  'fastify-serve': 'Fastify 5 on serve(app.routing), no plugin, no logger bridge',
  'fastify-pino-prom': 'Fastify 5 + pino logger + prom-client',
};
const BASELINE: Record<FastifyVariant, FastifyVariant | undefined> = {
  bare: undefined,
  podkit: 'bare',
  fastify: 'bare',
  'fastify-podkit': 'fastify',
  'fastify-podkit-nolog': 'fastify',
  'fastify-serve': 'fastify',
  'fastify-pino-prom': 'fastify',
};

const target = fileURLToPath(new URL('./fastify-target.ts', import.meta.url));

type Sample = Pick<FastifyBenchResult, 'requestsPerSecond' | 'p50Ms' | 'p99Ms' | 'cpuMicrosPerRequest'>;

async function measure(variant: FastifyVariant, o: Required<FastifyBenchOptions>): Promise<Sample> {
  const { child: server, line } = await startTarget(target, [variant], { core: 0 });
  try {
    const url = `http://127.0.0.1:${line}/hello`;
    const phases = await loadPhases(url, () => childCpuMicros(server), { connections: o.connections, seconds: o.seconds, fixedSeconds: Math.min(o.seconds, 3), fixedRate: o.fixedRate });
    assertClean(variant, phases);
    return loadFigures(phases);
  } finally {
    server.kill('SIGKILL');
  }
}

/** Runs every variant `rounds` times (interleaved) and returns the median figures with ratios. */
export async function run(options: FastifyBenchOptions = {}): Promise<FastifyBenchResult[]> {
  const o: Required<FastifyBenchOptions> = {
    seconds: options.seconds ?? 3,
    connections: options.connections ?? 50,
    fixedRate: options.fixedRate ?? 10_000,
    rounds: options.rounds ?? 2,
    variants: options.variants ?? VARIANTS,
  };
  const variants = o.variants;
  const samples = new Map<FastifyVariant, Sample[]>(variants.map((v) => [v, []]));
  for (let round = 0; round < o.rounds; round++) {
    for (const variant of variants) samples.get(variant)!.push(await measure(variant, o));
  }
  const medians = new Map<FastifyVariant, Sample>(
    variants.map((v) => [v, medianFigures(samples.get(v)!)]),
  );
  return variants.map((variant) => {
    const m = medians.get(variant)!;
    const baseline = BASELINE[variant];
    const b = baseline === undefined ? undefined : medians.get(baseline);
    return {
      variant,
      name: LABELS[variant],
      ...m,
      baseline,
      relative: b === undefined ? undefined : round2(m.requestsPerSecond / b.requestsPerSecond),
      relativeCpu: b === undefined ? undefined : round2(b.cpuMicrosPerRequest / m.cpuMicrosPerRequest),
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options: FastifyBenchOptions = {
    seconds: Number(process.env.BENCH_SECONDS ?? 3),
    rounds: Number(process.env.BENCH_ROUNDS ?? 2),
    // e.g. BENCH_VARIANTS=bare,podkit,fastify,fastify-podkit,fastify-podkit-nolog (each after its baseline)
    ...(process.env.BENCH_VARIANTS ? { variants: process.env.BENCH_VARIANTS.split(',') as FastifyVariant[] } : {}),
  };
  const results = await run(options);
  console.log(`node ${process.version}, ${hasTaskset() ? 'server on core 0, autocannon on core 1' : 'NOT pinned (taskset missing)'}, median of ${options.rounds} interleaved rounds`);
  for (const r of results) {
    const vs = r.baseline === undefined ? 'baseline' : `${r.relative?.toFixed(2)}× req/s, ${r.relativeCpu?.toFixed(2)}× CPU efficiency vs ${r.baseline}`;
    console.log(`${r.name.padEnd(52)} ${String(r.requestsPerSecond).padStart(8)} req/s  p50 ${r.p50Ms} ms  p99 ${r.p99Ms} ms  ${r.cpuMicrosPerRequest.toFixed(1).padStart(6)} µs CPU/req  ${vs}`);
  }
}
