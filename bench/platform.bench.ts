// The blog platform through its gateway, every service on this machine: requests/s and p50/p95/p99
// for a cached post read and for creating a comment, and each service's RSS after startup (idle)
// and peak RSS (VmHWM), with the shared embedded PostgreSQL's when no DATABASE_URL is set.
// autocannon runs in its own process. Run alone: node bench/platform.bench.ts [--seconds 10]
// (wrap it in `flock /tmp/podkit-bench.lock` on a shared machine).
//
// Reference figures (issue 6): gateway 5000 req/s at p95 5 ms, posts 2000 req/s at p95 25 ms,
// comments 1500 req/s at p95 30 ms. Target: a cached post read through the gateway at
// ≥ 5000 req/s with p95 ≤ 5 ms, load generator, gateway, posts and cache on one 2-core machine.
// The cached read is measured twice in the same run, against the same services: through the
// podkit gateway and through the seed's nginx gateway (deploy/overlays/nginx-gateway/nginx.conf,
// run by the local nginx, its access log off like the podkit gateway's; skipped without nginx).
// The seed sized its nginx gateway at 50m CPU for 5000 req/s, i.e. 10 µs of CPU per request.
// The nginx row's few failed requests are autocannon ECONNRESETs, not upstream errors: nginx
// closes a client connection after keepalive_requests (1000) with `Connection: close`, which
// autocannon 9 ignores (its next request goes out on the closing socket); see the example README.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { nginxAvailable, startLocalNginx, type LocalNginx } from '../examples/blog-platform/deploy/nginx-gateway.ts';
import { startPlatform, type Platform } from '../examples/blog-platform/src/start.ts';
import { webDistDir } from '../examples/blog-platform/web/build.ts';

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
  /** How this row compares with another one of the same run (the nginx gateway vs the podkit gateway). */
  readonly vsBaseline?: string;
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

/** The measured processes now: each service, and nginx's master and worker(s) as `nginx gateway`. */
function pidsOf(platform: Platform, nginx: LocalNginx | undefined): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const [id, proc] of platform.processes) if (proc.child.pid !== undefined) out.set(id, [proc.child.pid]);
  // the embedded database (PGlite behind the wire protocol), shared by every service
  const db = platform.embeddedDatabase?.pid;
  if (db !== undefined) out.set('postgres', [db]);
  const master = nginx?.child.pid;
  if (master !== undefined) {
    let workers: number[] = [];
    try {
      workers = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      // not Linux
    }
    out.set('nginx gateway', [master, ...workers]);
  }
  return out;
}

/** User + system CPU time of each process group so far, in µs (Linux /proc; empty elsewhere). */
function cpuMicros(pids: ReadonlyMap<string, number[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, list] of pids) {
    try {
      let ticks = 0;
      for (const pid of list) {
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(fields[11]) + Number(fields[12]);
      }
      out[id] = (ticks * 1e6) / 100; // clock ticks at USER_HZ = 100
    } catch {
      // not Linux
    }
  }
  return out;
}

/** `VmHWM` (peak) or `VmRSS` (current) per process group, in MiB: the sum over nginx's master and worker. */
function rssMiB(pids: ReadonlyMap<string, number[]>, field: 'VmHWM' | 'VmRSS'): Record<string, number> {
  const out: Record<string, number> = {};
  const pattern = new RegExp(`${field}:\\s+(\\d+) kB`);
  for (const [id, list] of pids) {
    try {
      let kb = 0;
      for (const pid of list) kb += Number(pattern.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1]);
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
  let nginx: LocalNginx | undefined;
  const idleRssMiB = rssMiB(pidsOf(platform, undefined), 'VmRSS');
  try {
    if (nginxAvailable()) nginx = await startLocalNginx({ upstreams: platform.urls as Parameters<typeof startLocalNginx>[0]['upstreams'], webRoot: webDistDir, accessLogOff: true });
    else console.error('nginx not found (NGINX_BIN or /usr/sbin/nginx): the nginx gateway row is left out');
    // read again at each use: nginx's worker may not be forked yet when its master reports it
    const pids = (): Map<string, number[]> => pidsOf(platform, nginx);
    const gw = `${platform.gatewayUrl}/api`;
    const password = 'bench-password-1';
    await json(`${gw}/auth/register`, { username: 'bencher', password });
    const { token } = (await json(`${gw}/auth/login`, { username: 'bencher', password })) as { token: string };
    const post = await json(`${gw}/posts`, { title: 'benchmark', body: 'a cached post' }, token);
    if (typeof post.id !== 'string') throw new Error(`could not create the benchmark post: ${JSON.stringify(post)}`);
    const postUrl = `${gw}/posts/${post.id}`;
    await fetch(postUrl).then((r) => r.text()); // fill the cache

    const scenarios: PlatformScenario[] = [];
    /** One load run: the autocannon result, the requests it completed and the CPU each process used meanwhile. */
    interface Round {
      readonly c: Cannon;
      readonly requests: number;
      readonly cpu: Record<string, number>;
    }
    const round = async (url: string, args: string[], runSeconds: number): Promise<Round> => {
      const before = cpuMicros(pids());
      const c = await autocannon(url, ['-c', String(connections), '-d', String(runSeconds), ...args]);
      const after = cpuMicros(pids());
      const cpu: Record<string, number> = {};
      for (const id of Object.keys(after)) cpu[id] = after[id]! - (before[id] ?? 0);
      return { c, requests: c.requests.average * runSeconds, cpu };
    };
    const warmUp = (url: string, args: string[] = []): Promise<Cannon> => autocannon(url, ['-c', String(connections), '-d', '2', ...args]); // JIT, pools
    /** A scenario from its rounds: req/s and latency percentiles averaged, CPU per request pooled. */
    const scenarioOf = (name: string, target: string, rounds: readonly Round[]): PlatformScenario => {
      const mean = (f: (c: Cannon) => number): number => rounds.reduce((sum, r) => sum + f(r.c), 0) / rounds.length;
      const total = rounds.reduce((sum, r) => sum + r.requests, 0);
      const cpu: Record<string, number> = {};
      for (const id of Object.keys(rounds[0]!.cpu)) {
        const used = rounds.reduce((sum, r) => sum + (r.cpu[id] ?? 0), 0);
        if (used > 0 && total > 0) cpu[id] = Math.round(used / total);
      }
      return {
        name,
        requestsPerSecond: Math.round(mean((c) => c.requests.average)),
        p50Ms: Math.round(mean((c) => c.latency.p50) * 100) / 100,
        p95Ms: Math.round(mean(p95) * 100) / 100,
        p99Ms: Math.round(mean((c) => c.latency.p99) * 100) / 100,
        failed: rounds.reduce((sum, r) => sum + r.c.non2xx + r.c.errors + r.c.timeouts, 0),
        target,
        cpuMicrosPerRequest: cpu,
      };
    };
    const measure = async (name: string, url: string, args: string[], target: string): Promise<PlatformScenario> => {
      await warmUp(url, args);
      const scenario = scenarioOf(name, target, [await round(url, args, seconds)]);
      scenarios.push(scenario);
      return scenario;
    };

    const podkitName = 'cached post read through the gateway';
    const podkitTarget = '≥ 5000 req/s at p95 ≤ 5 ms';
    if (nginx === undefined) {
      await measure(podkitName, postUrl, [], podkitTarget);
    } else {
      // Same services, same post, same load: only the gateway differs. Both are warmed up first,
      // then measured in the order podkit, nginx, nginx, podkit (half the time each), so that a
      // drift in the machine's load or the services' warm-up weighs on both alike.
      const nginxUrl = `${nginx.url}/api/posts/${post.id}`;
      await warmUp(postUrl);
      await warmUp(nginxUrl);
      const half = Math.max(1, Math.round(seconds / 2));
      const a1 = await round(postUrl, [], half);
      const b1 = await round(nginxUrl, [], half);
      const b2 = await round(nginxUrl, [], half);
      const a2 = await round(postUrl, [], half);
      const podkitRead = scenarioOf(podkitName, podkitTarget, [a1, a2]);
      const nginxRead = scenarioOf('cached post read through the nginx gateway', 'seed: 5000 req/s at p95 5 ms on 50m CPU', [b1, b2]);
      const [pk, ng] = [podkitRead.cpuMicrosPerRequest.gateway, nginxRead.cpuMicrosPerRequest['nginx gateway']];
      const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
      scenarios.push(podkitRead, {
        ...nginxRead,
        vsBaseline: `${ratio(nginxRead.requestsPerSecond, podkitRead.requestsPerSecond)} req/s${pk !== undefined && ng !== undefined && ng > 0 ? `, gateway CPU/req ${ng} µs vs ${pk} µs (podkit ${ratio(pk, ng)})` : ''} vs the podkit gateway, same run`,
      });
    }
    await measure(
      'create a comment through the gateway',
      `${gw}/comments`,
      ['-m', 'POST', '-H', 'content-type=application/json', '-H', `authorization=Bearer ${token}`, '-b', JSON.stringify({ postId: post.id, body: 'benchmark comment' })],
      'reference 1500 req/s at p95 30 ms',
    );
    return { scenarios, idleRssMiB, peakRssMiB: rssMiB(pids(), 'VmHWM') };
  } finally {
    await nginx?.close();
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
    if (s.vsBaseline !== undefined) console.log(`  ${s.vsBaseline}`);
  }
  console.log(`RSS after startup (MiB): ${Object.entries(result.idleRssMiB).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`peak RSS (MiB): ${Object.entries(result.peakRssMiB).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
