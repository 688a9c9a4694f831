// The blog platform through its gateway, every service on this machine: requests/s and p50/p95/p99
// for a cached post read and for creating a comment, and each service's RSS after startup (idle)
// and peak RSS (VmHWM), with the shared embedded PostgreSQL's when no DATABASE_URL is set.
// autocannon runs in its own process. Run alone: node bench/platform.bench.ts [--seconds 10]
// (wrap it in `flock /tmp/podkit-bench.lock` on a shared machine).
//
// Reference figures (issue 6): gateway 5000 req/s at p95 5 ms, posts 2000 req/s at p95 25 ms,
// comments 1500 req/s at p95 30 ms. Target: a cached post read through the gateway at
// ≥ 5000 req/s with p95 ≤ 5 ms, load generator, gateway, posts and cache on one 2-core machine.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { startPlatform, type Platform } from '../examples/blog-platform/src/start.ts';

/** One measured scenario. */
export interface PlatformScenario {
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** Non-2xx responses and errors during the run. */
  readonly failed: number;
  readonly target: string;
  /** CPU time (user + system) per request of each service process during the run, in µs. */
  readonly cpuMicrosPerRequest: Record<string, number>;
}

/** What {@link run} returns. */
export interface PlatformBenchResult {
  readonly scenarios: PlatformScenario[];
  /** Peak resident set size per service process, in MiB (`postgres`: the shared embedded database). */
  readonly peakRssMiB: Record<string, number>;
  /** Resident set size per process right after startup, before any load, in MiB. */
  readonly idleRssMiB: Record<string, number>;
}

/** Options of {@link run}. */
export interface PlatformBenchOptions {
  /** Seconds per scenario. @default 10 */
  readonly seconds?: number;
  /** Keep-alive connections of the load generator (p95 ≤ 5 ms at 5000 req/s allows about 25 in flight). @default 16 */
  readonly connections?: number;
  /** Shorter runs, to check the wiring. @default false */
  readonly quick?: boolean;
}

interface Cannon {
  requests: { average: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

function autocannon(url: string, args: string[]): Promise<Cannon> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [autocannonBin, '--json', '--no-progress', ...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.once('exit', (code) => {
      try {
        resolve(JSON.parse(out) as Cannon);
      } catch {
        reject(new Error(`autocannon exited ${String(code)} without a result`));
      }
    });
  });
}

/** p95 from autocannon's percentiles (it reports p90 and p97.5): linear interpolation. */
function p95(c: Cannon): number {
  return c.latency.p90 + ((c.latency.p97_5 - c.latency.p90) * (95 - 90)) / (97.5 - 90);
}

/** User + system CPU time of each service process so far, in µs (Linux /proc; empty elsewhere). */
function cpuMicros(platform: Platform): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, proc] of platform.processes) {
    try {
      const fields = readFileSync(`/proc/${proc.child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out[id] = ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100; // clock ticks at USER_HZ = 100
    } catch {
      // not Linux
    }
  }
  return out;
}

/** `VmHWM` (peak) or `VmRSS` (current) of every process of the platform in MiB, the embedded database as `postgres`. */
function rssMiB(platform: Platform, field: 'VmHWM' | 'VmRSS'): Record<string, number> {
  const out: Record<string, number> = {};
  const pids: [string, number | undefined][] = [...platform.processes].map(([id, proc]) => [id, proc.child.pid]);
  if (platform.embeddedDatabase !== undefined) pids.push(['postgres', platform.embeddedDatabase.pid]);
  for (const [id, pid] of pids) {
    try {
      const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
      const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
      if (Number.isFinite(kb)) out[id] = Math.round(kb / 1024);
    } catch {
      // not Linux: no figure
    }
  }
  return out;
}

async function json(url: string, body: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** Starts the platform (PGlite + memory cache unless DATABASE_URL/REDIS_URL are set), measures, stops it. */
export async function run(options: PlatformBenchOptions = {}): Promise<PlatformBenchResult> {
  const seconds = options.seconds ?? (options.quick === true ? 2 : 10);
  const connections = options.connections ?? 16;
  const platform = await startPlatform({
    ports: 'ephemeral',
    isolate: `bench${process.pid}`,
    env: { LOG_LEVEL: 'warn' },
    onLine: (id, line) => {
      if (/"level":"(error|fatal)"/.test(line)) process.stderr.write(`${id}: ${line.slice(0, 600)}\n`);
    },
  });
  const idleRssMiB = rssMiB(platform, 'VmRSS');
  try {
    const gw = `${platform.gatewayUrl}/api`;
    const password = 'bench-password-1';
    await json(`${gw}/auth/register`, { username: 'bencher', password });
    const { token } = (await json(`${gw}/auth/login`, { username: 'bencher', password })) as { token: string };
    const post = await json(`${gw}/posts`, { title: 'benchmark', body: 'a cached post' }, token);
    if (typeof post.id !== 'string') throw new Error(`could not create the benchmark post: ${JSON.stringify(post)}`);
    const postUrl = `${gw}/posts/${post.id}`;
    await fetch(postUrl).then((r) => r.text()); // fill the cache

    const scenarios: PlatformScenario[] = [];
    const measure = async (name: string, url: string, args: string[], target: string): Promise<void> => {
      await autocannon(url, ['-c', String(connections), '-d', '2', ...args]); // warm-up (JIT, pools)
      const before = cpuMicros(platform);
      const c = await autocannon(url, ['-c', String(connections), '-d', String(seconds), ...args]);
      const after = cpuMicros(platform);
      const total = c.requests.average * seconds;
      const cpu: Record<string, number> = {};
      for (const id of Object.keys(after)) {
        const used = after[id]! - (before[id] ?? 0);
        if (used > 0 && total > 0) cpu[id] = Math.round(used / total);
      }
      scenarios.push({
        name,
        requestsPerSecond: Math.round(c.requests.average),
        p50Ms: c.latency.p50,
        p95Ms: Math.round(p95(c) * 100) / 100,
        p99Ms: c.latency.p99,
        failed: c.non2xx + c.errors + c.timeouts,
        target,
        cpuMicrosPerRequest: cpu,
      });
    };
    await measure('cached post read through the gateway', postUrl, [], '≥ 5000 req/s at p95 ≤ 5 ms');
    await measure(
      'create a comment through the gateway',
      `${gw}/comments`,
      ['-m', 'POST', '-H', 'content-type=application/json', '-H', `authorization=Bearer ${token}`, '-b', JSON.stringify({ postId: post.id, body: 'benchmark comment' })],
      'reference 1500 req/s at p95 30 ms',
    );
    return { scenarios, idleRssMiB, peakRssMiB: rssMiB(platform, 'VmHWM') };
  } finally {
    await platform.stop();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { seconds: { type: 'string' }, connections: { type: 'string' }, quick: { type: 'boolean' } } });
  const result = await run({
    ...(values.seconds ? { seconds: Number(values.seconds) } : {}),
    ...(values.connections ? { connections: Number(values.connections) } : {}),
    quick: values.quick ?? false,
  });
  for (const s of result.scenarios) {
    console.log(
      `${s.name.padEnd(40)} ${String(s.requestsPerSecond).padStart(6)} req/s  p50 ${s.p50Ms} ms  p95 ${s.p95Ms} ms  p99 ${s.p99Ms} ms  failed ${s.failed}   (${s.target})`,
    );
    console.log(`  CPU µs/request: ${Object.entries(s.cpuMicrosPerRequest).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  console.log(`RSS after startup (MiB): ${Object.entries(result.idleRssMiB).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`peak RSS (MiB): ${Object.entries(result.peakRssMiB).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
