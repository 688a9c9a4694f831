// Issue 18, parts 5 and 6: a blog service's own server configuration against bare node:http,
// side by side in one run. (a) Load: the same handler under `runService(platformService(...))`
// exactly as examples/blog-platform runs it (the example's otelTelemetry() with no collector:
// trace ids in every line and in traceparent, no SDK span; JSON logs on stdout, buffered; the
// access log on; health, metrics, load shedding, the lifecycle) — max req/s (a fresh process per
// variant and round, the median) and server CPU µs per request at a fixed rate (both running at
// once, loaded in turn in alternating 2 s windows, ten each, so a shared VM's drift falls on both
// alike); servers pinned to core 0, autocannon to core 1. (b) Idle: both
// processes started together and left idle for the same `idleSeconds`; CPU % of one core each.
// Run: node --conditions=@podkit/source bench/service-config.bench.ts
import { fork, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { assertClean, childCpuMicros, cpuInWindows, hasTaskset, loadFigures, loadPhases, medianFigures, stopChild } from './lib/load.ts';

/** The two measured processes. */
export type Variant = 'bare' | 'service';

/** One variant under load. */
export interface LoadResult {
  readonly name: string;
  readonly variant: Variant;
  /** Requests/s with `connections` keep-alive connections, as fast as possible. */
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /**
   * Server CPU time (user + system) per request in µs at `fixedRate`: both variants running at
   * once, measured in alternating windows (see `alternatingCpu`), total CPU ÷ total requests.
   */
  readonly cpuMicrosPerRequest: number;
  /** The lowest and highest window's CPU µs per request (the machine's drift within the run). */
  readonly cpuWindowRange: readonly [number, number];
  /** The median over the fresh processes of the full-load rounds, each at `fixedRate` for 3 s (the earlier method). */
  readonly cpuMicrosPerProcessMedian: number;
}

/** One variant left idle. */
export interface IdleResult {
  readonly name: string;
  readonly variant: Variant;
  /** CPU time over the idle period, as % of one core. */
  readonly cpuPercent: number;
  readonly seconds: number;
}

/** What {@link run} returns. */
export interface ServiceConfigResult {
  readonly load: readonly LoadResult[];
  readonly idle: readonly IdleResult[];
  /** 1-minute load average when the run started and ended (a shared machine's noise). */
  readonly loadAverage: readonly [number, number];
}

/** Options of {@link run}. */
export interface ServiceConfigOptions {
  /** Seconds of full-load measurement per variant and round. @default 4 */
  readonly seconds?: number;
  /** Fixed rate (req/s) of the CPU-per-request figure, measured for min(seconds, 3) s. @default 5000 */
  readonly fixedRate?: number;
  /** Keep-alive connections. @default 50 */
  readonly connections?: number;
  /** Interleaved full-load rounds (a fresh process each); the median of each figure is reported. @default 2 */
  readonly rounds?: number;
  /** Alternating fixed-rate windows per variant for the CPU figure. @default 10 */
  readonly windows?: number;
  /** Seconds per window. @default 2 */
  readonly windowSeconds?: number;
  /** Seconds both processes stay idle (measured together). @default 60 */
  readonly idleSeconds?: number;
}

const LABELS: Record<Variant, string> = {
  bare: 'bare node:http',
  service: 'blog service config (otel ids, logs, access log)',
};

const target = fileURLToPath(new URL('./service-config-target.ts', import.meta.url));

/**
 * Starts a target (stdout to /dev/null, as a pod's log collector would take it: so the port comes
 * over IPC, not stdout) and waits for its port; pinned after the fork, with all its threads.
 */
async function start(variant: Variant, core: number | undefined): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(target, [variant], {
    execArgv: ['--conditions=@podkit/source'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_EXPORTER: '' },
  });
  if (core !== undefined && hasTaskset()) spawnSync('taskset', ['-a', '-p', '-c', String(core), String(child.pid)], { stdio: 'ignore' });
  const [message] = (await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => {
      throw new Error(`${variant}: exited ${String(code)} before listening`);
    }),
  ])) as [{ port: number }];
  return { child, port: message.port };
}

type Measured = Omit<LoadResult, 'cpuWindowRange' | 'cpuMicrosPerProcessMedian'>;

async function measureLoad(variant: Variant, o: Required<ServiceConfigOptions>): Promise<Measured> {
  const { child, port } = await start(variant, 0);
  try {
    const url = `http://127.0.0.1:${String(port)}/`;
    const phases = await loadPhases(url, () => childCpuMicros(child), { connections: o.connections, seconds: o.seconds, fixedSeconds: Math.min(o.seconds, 3), fixedRate: o.fixedRate });
    assertClean(variant, phases);
    return { name: LABELS[variant], variant, ...loadFigures(phases) };
  } finally {
    await stopChild(child, 'SIGKILL');
  }
}

/** Both variants idle over the same period (so the machine's noise hits both alike). */
async function measureIdle(seconds: number): Promise<IdleResult[]> {
  const variants: Variant[] = ['bare', 'service'];
  const started = await Promise.all(variants.map((v) => start(v, undefined)));
  try {
    await sleep(2_000); // startup work (JIT, the first health checks) settles
    const before = await Promise.all(started.map((s) => childCpuMicros(s.child)));
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const after = await Promise.all(started.map((s) => childCpuMicros(s.child)));
    const wallUs = (performance.now() - t0) * 1000;
    return variants.map((variant, i) => ({
      name: LABELS[variant],
      variant,
      seconds,
      cpuPercent: Math.round(((after[i]! - before[i]!) / wallUs) * 100 * 1000) / 1000,
    }));
  } finally {
    await Promise.all(started.map((s) => stopChild(s.child, 'SIGKILL')));
  }
}

const loadavg1 = async (): Promise<number> => (await import('node:os')).loadavg()[0]!;

/** Runs the load rounds (variants interleaved) and then the idle period. */
export async function run(options: ServiceConfigOptions = {}): Promise<ServiceConfigResult> {
  const o: Required<ServiceConfigOptions> = {
    seconds: options.seconds ?? 4,
    fixedRate: options.fixedRate ?? 5_000,
    connections: options.connections ?? 50,
    rounds: options.rounds ?? 2,
    windows: options.windows ?? 10,
    windowSeconds: options.windowSeconds ?? 2,
    idleSeconds: options.idleSeconds ?? 60,
  };
  const startLoad = await loadavg1();
  const samples: Record<Variant, Measured[]> = { bare: [], service: [] };
  for (let round = 0; round < o.rounds; round++) {
    for (const variant of ['bare', 'service'] as const) samples[variant].push(await measureLoad(variant, o));
  }
  // CPU per request: both running at once, loaded in turn (alternating windows)
  const windows = await cpuInWindows(
    ['bare', 'service'] as const,
    async (variant) => {
      const { child, port } = await start(variant, 0);
      return { url: `http://127.0.0.1:${String(port)}/`, cpu: () => childCpuMicros(child), stop: () => stopChild(child, 'SIGKILL') };
    },
    { windows: o.windows, windowSeconds: o.windowSeconds, rate: o.fixedRate, connections: o.connections },
  );
  const load = (['bare', 'service'] as const).map((variant): LoadResult => {
    const median = medianFigures(samples[variant]);
    return {
      name: LABELS[variant],
      variant,
      ...median,
      ...windows.get(variant)!,
      cpuMicrosPerProcessMedian: median.cpuMicrosPerRequest,
    };
  });
  const idle = await measureIdle(o.idleSeconds);
  return { load, idle, loadAverage: [startLoad, await loadavg1()] };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await run({
    ...(process.env.BENCH_SECONDS ? { seconds: Number(process.env.BENCH_SECONDS) } : {}),
    ...(process.env.BENCH_IDLE_SECONDS ? { idleSeconds: Number(process.env.BENCH_IDLE_SECONDS) } : {}),
    ...(process.env.BENCH_ROUNDS ? { rounds: Number(process.env.BENCH_ROUNDS) } : {}),
    ...(process.env.BENCH_WINDOWS ? { windows: Number(process.env.BENCH_WINDOWS) } : {}),
  });
  const [bare, service] = result.load;
  console.log(`node ${process.version}, load average ${result.loadAverage.map((l) => l.toFixed(2)).join(' → ')}`);
  for (const r of result.load) {
    console.log(`${r.name.padEnd(50)} ${String(r.requestsPerSecond).padStart(7)} req/s  ${r.cpuMicrosPerRequest.toFixed(1).padStart(6)} µs CPU/req (windows ${r.cpuWindowRange.join('–')}; per process ${String(r.cpuMicrosPerProcessMedian)})`);
  }
  console.log(`service / bare: CPU per request ${(service!.cpuMicrosPerRequest / bare!.cpuMicrosPerRequest).toFixed(2)}× (target ≤ 1.5×), req/s ${(service!.requestsPerSecond / bare!.requestsPerSecond).toFixed(2)}×`);
  for (const r of result.idle) console.log(`idle ${String(r.seconds)} s: ${r.name.padEnd(50)} ${r.cpuPercent.toFixed(3)} % of a core`);
}
