// One proxy hop, side by side in one run (issue 18): CPU µs of the proxy process per request at a
// fixed rate (GET, small JSON answer), and the most requests/s it forwards. Rows: Debian's nginx
// (keep-alive upstream), a minimal undici proxy (node:http piped into `Pool.request`: the floor
// of the naive Node design), podkit's `createProxy` in `serve()` with every feature on,
// `@fastify/http-proxy` (Fastify 5) and `http-proxy`. Each proxy runs in its own process pinned to
// core 0; the bare node:http backend and autocannon share core 1. req/s and latency: a fresh
// process per variant and round, rounds interleaved, the median. CPU per request at the fixed
// rate: every variant running at once, loaded in turn in alternating 2 s windows (eight each), so
// a shared VM's drift falls on all of them alike.
// Run: node --conditions=@podkit/source bench/proxy.bench.ts (BENCH_ROUNDS, BENCH_WINDOWS, BENCH_SECONDS,
// BENCH_VARIANTS=minimal,podkit; BENCH_PROFILE=podkit writes where the podkit proxy's CPU goes).
import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { printProfile, writtenProfile } from './lib/cpu-profile.ts';
import type { ProfileSummary } from './lib/cpu-profile.ts';
import { autocannon, childCpuMicros, cpuInWindows, hasTaskset, loadFigures, loadPhases, medianFigures, pinned, startTarget, stopChild } from './lib/load.ts';
import type { WindowFigures } from './lib/load.ts';
import { median, round2 } from './lib/stats.ts';

/** The proxies measured. */
export type ProxyVariant = 'nginx' | 'minimal' | 'podkit' | 'fastify-http-proxy' | 'http-proxy';

/** One measured proxy. */
export interface ProxyBenchResult {
  readonly variant: ProxyVariant;
  readonly name: string;
  /** Requests/s forwarded with `connections` keep-alive connections, as fast as possible. */
  readonly requestsPerSecond: number;
  /** Median latency in ms at full load. */
  readonly p50Ms: number;
  /** 99th percentile latency in ms at full load. */
  readonly p99Ms: number;
  /**
   * The proxy process's CPU time (user + system) per request in µs at the fixed rate: every
   * variant running at once, measured in alternating windows (see `alternatingCpu`).
   */
  readonly cpuMicrosPerRequest: number;
  /** The lowest and highest window's CPU µs per request (the machine's drift within the run). */
  readonly cpuWindowRange?: readonly [number, number];
  /** The median over the fresh processes of the full-load rounds, each at the fixed rate (the earlier method). */
  readonly cpuMicrosPerProcessMedian?: number;
  /**
   * Requests/s actually forwarded during the fixed-rate phase: below the fixed rate, the proxy (or
   * the machine) saturated, and the CPU figure is one of a saturated process (fewer, larger batches).
   */
  readonly fixedRateAchieved: number;
  /** This variant's CPU per request divided by the minimal undici proxy's (< 1: cheaper). */
  readonly cpuVsMinimal?: number;
  /** This variant's CPU per request divided by `@fastify/http-proxy`'s. */
  readonly cpuVsFastify?: number;
  /** Why the variant was not measured (e.g. nginx is not installed). */
  readonly skipped?: string;
}

/** Options of {@link run}. */
export interface ProxyBenchOptions {
  /** Seconds at full load (max req/s) and at the fixed rate (CPU/request) per variant. @default 3 */
  readonly seconds?: number;
  /** Keep-alive connections of the load generator. @default 50 */
  readonly connections?: number;
  /** Fixed request rate (req/s) for the CPU-per-request figure. @default 5000 */
  readonly fixedRate?: number;
  /** Variants to run. @default all */
  readonly variants?: readonly ProxyVariant[];
  /** Full-load rounds (a fresh process per variant each); variants interleaved, the median of each figure reported. @default 3 */
  readonly rounds?: number;
  /** Alternating fixed-rate windows per variant for the CPU figure. @default 8 */
  readonly windows?: number;
}

const LABELS: Record<ProxyVariant, string> = {
  nginx: 'nginx (keep-alive upstream, 1 worker)',
  minimal: 'minimal undici proxy (no features)',
  podkit: 'podkit createProxy in serve() (all features)',
  'fastify-http-proxy': '@fastify/http-proxy (Fastify 5)',
  'http-proxy': 'http-proxy (keep-alive agent)',
};

const ALL: readonly ProxyVariant[] = ['nginx', 'minimal', 'podkit', 'fastify-http-proxy', 'http-proxy'];

const hasNginx = spawnSync('nginx', ['-v']).status === 0;
const clockTicks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const target = fileURLToPath(new URL('./proxy-target.ts', import.meta.url));

/** A started proxy (or backend): its URL, its CPU time so far in µs, and how to stop it. */
interface Running {
  readonly url: string;
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

async function nodeTarget(core: number, args: string[], execArgv: string[] = []): Promise<Running> {
  const { child, line } = await startTarget(target, args, { core, execArgv });
  return {
    url: `http://127.0.0.1:${line}`,
    cpu: () => childCpuMicros(child),
    stop: () => stopChild(child, 'SIGTERM'),
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once something accepts connections on `port` (nginx gives no readiness signal). */
async function accepting(port: number, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start (code ${child.exitCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await delay(25);
  }
  throw new Error(`nginx did not listen on ${port}`);
}

/** utime + stime of `pid` and its children (nginx's master and workers), in µs. */
function procCpu(pid: number): number {
  const pids = [pid];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      pids.push(...readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    }
  } catch {
    // gone
  }
  let ticks = 0;
  for (const p of pids) {
    try {
      // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // exited
    }
  }
  return (ticks / clockTicks) * 1e6;
}

/**
 * Debian's nginx with a generated config in a temporary directory (every path writable without
 * root): one worker (pinned to core 0 with its master), keep-alive connections to the upstream,
 * the usual forwarded headers, no access log.
 */
async function startNginx(backend: string): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'podkit-bench-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const port = await freePort();
  const up = new URL(backend);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off;
master_process on;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream backend {
    server ${up.hostname}:${up.port};
    keepalive 128;
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
    }
  }
}
`,
  );
  const child = pinned(0, ['nginx', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: 'ignore' });
  try {
    await accepting(port, child);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // taskset exec()s nginx: the child's pid is the master's.
  const master = child.pid!;
  return {
    url: `http://127.0.0.1:${port}`,
    cpu: () => Promise.resolve(procCpu(master)),
    async stop() {
      if (child.exitCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGQUIT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

type Sample = Omit<ProxyBenchResult, 'cpuVsMinimal' | 'cpuVsFastify'>;

/** What every proxy is asked for. */
const PATH = '/api/posts/42?fields=title';

async function measure(variant: ProxyVariant, backend: string, o: Required<ProxyBenchOptions>): Promise<Sample> {
  const proxy = variant === 'nginx' ? await startNginx(backend) : await nodeTarget(0, [variant, backend]);
  try {
    const url = `${proxy.url}${PATH}`;
    // Both phases last `seconds` here, and timeouts count as failures (a proxy that drops requests).
    const phases = await loadPhases(url, () => proxy.cpu(), { connections: o.connections, seconds: o.seconds, fixedSeconds: o.seconds, fixedRate: o.fixedRate });
    const { full, fixed } = phases;
    const bad = full.errors + full.timeouts + full.non2xx + fixed.errors + fixed.timeouts + fixed.non2xx;
    if (bad > 0) throw new Error(`${variant}: ${bad} errors, timeouts or non-2xx responses during the run`);
    return {
      variant,
      name: LABELS[variant] ?? variant,
      ...loadFigures(phases),
      fixedRateAchieved: Math.round(fixed.requests.average),
    };
  } finally {
    await proxy.stop();
  }
}

/** Runs every variant `rounds` times (interleaved) and returns the median figures. */
export async function run(options: ProxyBenchOptions = {}): Promise<ProxyBenchResult[]> {
  const o: Required<ProxyBenchOptions> = {
    seconds: options.seconds ?? 3,
    connections: options.connections ?? 50,
    fixedRate: options.fixedRate ?? 5000,
    variants: options.variants ?? ALL,
    rounds: options.rounds ?? 3,
    windows: options.windows ?? 8,
  };
  const variants = o.variants.filter((v) => v !== 'nginx' || hasNginx);
  const backend = await nodeTarget(1, ['backend']);
  const samples = new Map<ProxyVariant, Sample[]>();
  let windows: Map<ProxyVariant, WindowFigures>;
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const variant of variants) {
        const list = samples.get(variant) ?? [];
        list.push(await measure(variant, backend.url, o));
        samples.set(variant, list);
      }
    }
    // CPU per request: every variant running at once, loaded in turn (alternating windows)
    windows = await cpuInWindows(
      variants,
      async (variant) => {
        const proxy = variant === 'nginx' ? await startNginx(backend.url) : await nodeTarget(0, [variant, backend.url]);
        return { url: `${proxy.url}${PATH}`, cpu: () => proxy.cpu(), stop: () => proxy.stop() };
      },
      { windows: o.windows, windowSeconds: 2, rate: o.fixedRate, connections: o.connections },
    );
  } finally {
    await backend.stop();
  }
  const results: ProxyBenchResult[] = variants.map((variant) => {
    const list = samples.get(variant)!;
    const medians = medianFigures(list);
    return {
      variant,
      name: LABELS[variant] ?? variant,
      ...medians,
      ...windows.get(variant)!,
      cpuMicrosPerProcessMedian: medians.cpuMicrosPerRequest,
      fixedRateAchieved: median(list.map((r) => r.fixedRateAchieved)),
    };
  });
  const minimal = results.find((r) => r.variant === 'minimal')?.cpuMicrosPerRequest;
  const fastify = results.find((r) => r.variant === 'fastify-http-proxy')?.cpuMicrosPerRequest;
  const out = results.map((r) => ({
    ...r,
    ...(minimal ? { cpuVsMinimal: round2(r.cpuMicrosPerRequest / minimal) } : {}),
    ...(fastify ? { cpuVsFastify: round2(r.cpuMicrosPerRequest / fastify) } : {}),
  }));
  if (o.variants.includes('nginx') && !hasNginx) {
    out.unshift({ variant: 'nginx', name: LABELS.nginx, requestsPerSecond: 0, p50Ms: 0, p99Ms: 0, cpuMicrosPerRequest: 0, fixedRateAchieved: 0, skipped: 'nginx is not installed (apt-get install -y nginx)' });
  }
  return out;
}

/**
 * Runs one Node variant under `node --cpu-prof` at the fixed rate and summarises where its CPU
 * went (self time per function, podkit's share, Node internals, GC).
 */
export async function profile(variant: Exclude<ProxyVariant, 'nginx'>, options: ProxyBenchOptions = {}): Promise<ProfileSummary> {
  const keep = process.env.BENCH_PROFILE_KEEP; // a directory to keep the .cpuprofile in
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'podkit-prof-'));
  const backend = await nodeTarget(1, ['backend']);
  const proxy = await nodeTarget(0, [variant, backend.url], ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    const url = `${proxy.url}${PATH}`;
    const c = String(options.connections ?? 50);
    await autocannon(url, ['-c', c, '-d', '1']);
    await autocannon(url, ['-c', c, '-d', String(options.seconds ?? 5), '-R', String(options.fixedRate ?? 5000)]);
    await proxy.stop();
    return writtenProfile(dir, variant);
  } finally {
    await proxy.stop();
    await backend.stop();
    if (keep === undefined) rmSync(dir, { recursive: true, force: true });
  }
}

function print(results: readonly ProxyBenchResult[], o: ProxyBenchOptions): void {
  console.log(
    `node ${process.version}, ${hasTaskset() ? 'proxy on core 0, backend + autocannon on core 1' : 'NOT pinned (taskset missing)'}, ` +
      `${o.connections ?? 50} connections, median of ${o.rounds ?? 3} interleaved rounds`,
  );
  console.log(
    `${'proxy'.padEnd(46)} ${'max req/s'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ` +
      `${`µs CPU/req @${o.fixedRate ?? 5000}/s`.padStart(20)} ${'(achieved)'.padStart(10)} ${'x minimal'.padStart(10)} ${'x fastify'.padStart(10)}`,
  );
  for (const r of results) {
    if (r.skipped !== undefined) {
      console.log(`${r.name.padEnd(46)} skipped: ${r.skipped}`);
      continue;
    }
    console.log(
      `${r.name.padEnd(46)} ${String(r.requestsPerSecond).padStart(9)} ${String(r.p50Ms).padStart(7)} ${String(r.p99Ms).padStart(7)} ` +
        `${r.cpuMicrosPerRequest.toFixed(1).padStart(20)} ${String(r.fixedRateAchieved).padStart(10)} ${(r.cpuVsMinimal?.toFixed(2) ?? '-').padStart(10)} ${(r.cpuVsFastify?.toFixed(2) ?? '-').padStart(10)}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.env.BENCH_PROFILE) {
  const variant = process.env.BENCH_PROFILE as Exclude<ProxyVariant, 'nginx'>;
  printProfile(LABELS[variant], 5000, await profile(variant));
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const options: ProxyBenchOptions = {
    seconds: Number(process.env.BENCH_SECONDS ?? 3),
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    ...(process.env.BENCH_WINDOWS ? { windows: Number(process.env.BENCH_WINDOWS) } : {}),
    ...(process.env.BENCH_VARIANTS ? { variants: process.env.BENCH_VARIANTS.split(',') as ProxyVariant[] } : {}),
  };
  print(await run(options), options);
}
