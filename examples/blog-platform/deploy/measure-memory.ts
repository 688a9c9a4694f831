/**
 * Measures each service's memory while the platform runs as it does in Kubernetes (one process
 * per service; PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set, the shared embedded
 * PGlite otherwise) under load through the gateway: cached post reads, the post list, comment
 * creation, and image uploads with their background processing. Per process it records the RSS
 * and the post-GC V8 heap at idle (after startup), the peak RSS under load (the kernel's VmHWM),
 * and the RSS and post-GC heap after the load. The memory requests in platform.ts follow these
 * figures (see MEASUREMENTS.md).
 *
 * Run from the repository root, serialized with other benchmarks:
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
 *     flock /tmp/podkit-bench.lock npx node --conditions=@podkit/source examples/blog-platform/deploy/measure-memory.ts \
 *     [--runtime source|compiled] [--as-deployed] [--allocator jemalloc|glibc] [--malloc-conf '...']
 *     [--node-options '...'] [--seconds-scale 0.5]
 *
 * --runtime compiled runs the tsc output (`npm run build` first), as the image does; --as-deployed
 * gives each service the NODE_OPTIONS and allocator of its manifest (deploy/platform.ts: jemalloc
 * preloaded, MALLOC_CONF, MALLOC_ARENA_MAX; `--allocator glibc` leaves jemalloc out, `--malloc-conf` replaces the manifests' MALLOC_CONF, for comparison runs); --node-options adds
 * options to every service. `--expose-gc` is always added, so the post-GC heap can be read.
 * Schemas and Redis keys it creates carry a unique suffix and are removed at the end.
 */
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createClient } from 'redis';
import sharp from 'sharp';
import { rssOf, requestMemoryReport, type MemoryReport } from '../src/platform/memory.ts';
import { startPlatform, type Platform } from '../src/platform/platform.ts';
import type { ServiceName } from '../src/platform/services.ts';
import { existsSync } from 'node:fs';
import { JEMALLOC_PATH, MALLOC_ARENA_MAX, MALLOC_CONF, SERVICES } from './platform.ts';

const isolate = `mem${randomBytes(3).toString('hex')}`;

/** The part of autocannon's API used here (the package ships no types). */
interface LoadOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}
interface LoadResult {
  requests: { average: number; total: number };
  latency: { p97_5: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (options: LoadOptions) => Promise<LoadResult>;

/**
 * Samples every process's VmHWM every 200 ms and keeps the highest per process id, so a peak
 * survives a process that is restarted between phases.
 */
function memorySampler(platform: Platform): { stop(): Map<string, { peakMiB: number; rssMiB: number; peakAnonMiB: number }> } {
  const peaks = new Map<string, { peakMiB: number; rssMiB: number; peakAnonMiB: number }>();
  const sample = (): void => {
    for (const proc of platform.processes.values()) {
      const m = rssOf(proc.child.pid);
      if (m === undefined) continue; // exited
      const seen = peaks.get(proc.id);
      peaks.set(proc.id, { peakMiB: Math.max(m.peakMiB, seen?.peakMiB ?? 0), rssMiB: m.rssMiB, peakAnonMiB: Math.max(m.anonMiB, seen?.peakAnonMiB ?? 0) });
    }
  };
  const timer = setInterval(sample, 200);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return peaks;
    },
  };
}

/** Restarts the gateway if a load run left it dead (reported, so the crash is not hidden). */
async function ensureGateway(platform: Platform): Promise<void> {
  const proc = platform.processes.get('gateway');
  const alive = proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null;
  const healthy = alive && (await fetch(`${platform.adminUrls.gateway ?? ''}/health`).then((r) => r.ok).catch(() => false));
  if (healthy) return;
  const last = (platform.logs['gateway'] ?? []).filter((l) => l.includes('"fatal"')).at(-1);
  process.stdout.write(`NOTE: the gateway did not survive the last run, restarting it. Last fatal line: ${(last ?? '(none)').slice(0, 300)}\n`);
  await platform.restart('gateway');
}

async function call(base: string, method: string, path: string, body?: unknown, token?: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${method} ${path}: ${String(res.status)} ${text}`);
  return (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
}

async function load(title: string, options: LoadOptions): Promise<void> {
  const result = await autocannon(options);
  const non2xx = result.non2xx;
  process.stdout.write(
    `${title}: ${String(Math.round(result.requests.average))} req/s, p97.5 ${String(result.latency.p97_5)} ms, ` +
      `${String(result.requests.total)} requests, ${String(non2xx)} non-2xx, ${String(result.errors)} errors\n`,
  );
}

async function cleanup(databaseUrl: string | undefined, redisUrl: string | undefined): Promise<void> {
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    for (const s of ['auth', 'posts', 'comments', 'images']) await client.query(`DROP SCHEMA IF EXISTS "${s}_${isolate}" CASCADE`);
    await client.end();
  }
  if (redisUrl) {
    const redis = createClient({ url: redisUrl });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `blog:${isolate}:*`, COUNT: 500 })) if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  }
}

const MiB = 1024 * 1024;
const fmt = (n: number | undefined): string => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(1));

/** Memory reports of every process (after a full GC each), by process id; a process that does not answer is left out. */
async function reports(platform: Platform): Promise<Map<string, MemoryReport & { rssBeforeGcMiB: number }>> {
  const out = new Map<string, MemoryReport & { rssBeforeGcMiB: number }>();
  await Promise.all(
    [...platform.processes.values()].map(async (proc) => {
      const before = rssOf(proc.child.pid)?.rssMiB ?? NaN;
      const r = await requestMemoryReport(proc).catch(() => undefined);
      if (r !== undefined) out.set(proc.id, { ...r, rssBeforeGcMiB: before });
    }),
  );
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runtime: { type: 'string', default: 'source' },
      'as-deployed': { type: 'boolean', default: false },
      allocator: { type: 'string', default: 'jemalloc' },
      'malloc-conf': { type: 'string', default: MALLOC_CONF },
      'node-options': { type: 'string', default: '' },
      'seconds-scale': { type: 'string', default: '1' },
    },
  });
  const runtime = values.runtime === 'compiled' ? 'compiled' : 'source';
  const scale = Number(values['seconds-scale']);
  const seconds = (s: number): number => Math.max(1, Math.round(s * scale));
  const databaseUrl = process.env['DATABASE_URL'];
  const redisUrl = process.env['REDIS_URL'];
  if (!databaseUrl || !redisUrl) process.stdout.write('note: DATABASE_URL/REDIS_URL unset: measuring on the shared embedded PGlite and the memory cache, not as deployed\n');
  // the image's jemalloc (JEMALLOC_PATH), or Debian's own on this machine
  const jemalloc = values.allocator === 'glibc' ? undefined : [JEMALLOC_PATH, `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/libjemalloc.so.2`].find((p) => existsSync(p));
  if (values['as-deployed'] && jemalloc === undefined && values.allocator !== 'glibc') process.stdout.write('note: no libjemalloc.so.2 here (apt-get install libjemalloc2): measuring on glibc malloc, not as deployed\n');
  const allocatorEnv: Record<string, string> = values['as-deployed'] ? { MALLOC_ARENA_MAX, MALLOC_CONF: values['malloc-conf'], ...(jemalloc === undefined ? {} : { LD_PRELOAD: jemalloc }) } : {};
  const serviceEnv: Partial<Record<ServiceName, Record<string, string>>> = {};
  for (const s of SERVICES) {
    const deployed = values['as-deployed'] ? s.nodeOptions : '';
    serviceEnv[s.name] = {
      NODE_OPTIONS: `${deployed} ${values['node-options']} --expose-gc`.replace(/\s+/g, ' ').trim(),
      ...allocatorEnv,
    };
  }
  process.stdout.write(
    `runtime ${runtime}; ${Object.entries(allocatorEnv).map(([k, v]) => `${k}=${v}; `).join('')}NODE_OPTIONS: ${SERVICES.map((s) => `${s.name} "${serviceEnv[s.name]!.NODE_OPTIONS!}"`).join(', ')}\n`,
  );
  const platform: Platform = await startPlatform({ ports: 'ephemeral', isolate, runtime, env: { LOG_LEVEL: 'warn' }, serviceEnv });
  const sampler = memorySampler(platform);
  const idle = await reports(platform);
  const embeddedIdle = rssOf(platform.embeddedDatabase?.pid)?.rssMiB;
  try {
    const gw = platform.gatewayUrl;
    const username = `mem${isolate}`;
    await call(gw, 'POST', '/api/auth/register', { username, password: 'correct horse battery staple' });
    const { token } = (await call(gw, 'POST', '/api/auth/login', { username, password: 'correct horse battery staple' })) as { token: string };
    const post = await call(gw, 'POST', '/api/posts', { title: 'memory', body: 'x'.repeat(2000) }, token);
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    await load(`cached post read through the gateway (${String(seconds(20))} s, 50 connections)`, {
      url: `${gw}/api/posts/${String(post['id'])}`,
      connections: 50,
      duration: seconds(20),
    });
    await ensureGateway(platform);
    await load(`post list (${String(seconds(10))} s, 20 connections)`, { url: `${gw}/api/posts?limit=20`, connections: 20, duration: seconds(10) });
    await ensureGateway(platform);
    await load(`comment creation through the gateway (${String(seconds(15))} s, 20 connections)`, {
      url: `${gw}/api/comments`,
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ postId: post['id'], body: 'a comment under load' }),
      connections: 20,
      duration: seconds(15),
    });
    await ensureGateway(platform);
    if (platform.urls.images === undefined) {
      process.stdout.write('images is not available (src/images/main.ts missing): no uploads\n');
    } else {
      // Images: 24 uploads of a 2400x1600 JPEG, 4 at a time, then wait for processing.
      // Noise, so the JPEG is photo-sized (a flat colour compresses to a few KB).
      const jpeg = await sharp({ create: { width: 2400, height: 1600, channels: 3, background: '#88aa44', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
        .jpeg({ quality: 90 })
        .toBuffer();
      const ids: string[] = [];
      for (let batch = 0; batch < 6; batch++) {
        const uploaded = await Promise.all(
          Array.from({ length: 4 }, async () => {
            const res = await fetch(`${gw}/api/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${token}` }, body: jpeg });
            const image = (await res.json()) as { id: string };
            if (res.status !== 202) throw new Error(`upload: ${String(res.status)}`);
            return image.id;
          }),
        );
        ids.push(...uploaded);
      }
      const deadline = Date.now() + 180_000;
      for (const id of ids) {
        for (;;) {
          const image = await call(gw, 'GET', `/api/images/${id}`);
          if (image['status'] !== 'processing') break;
          if (Date.now() > deadline) throw new Error('images not processed within 3 minutes');
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      process.stdout.write(`processed ${String(ids.length)} images of ${String(jpeg.length)} bytes\n\n`);
    }

    const peaks = sampler.stop();
    const after = await reports(platform);
    process.stdout.write(
      '| process | idle RSS | idle heap after GC | peak RSS (VmHWM) | peak anonymous RSS (sampled) | RSS after load | heap after load and GC |\n|---|---|---|---|---|---|---|\n',
    );
    const total = { idle: 0, peak: 0, end: 0 };
    for (const [id, m] of peaks) {
      const i = idle.get(id);
      const e = after.get(id);
      total.idle += i?.rssBeforeGcMiB ?? 0;
      total.peak += m.peakMiB;
      total.end += e?.rssBeforeGcMiB ?? m.rssMiB;
      process.stdout.write(
        `| ${id} | ${fmt(i?.rssBeforeGcMiB)} | ${fmt(i === undefined ? undefined : i.heapUsed / MiB)} | ${fmt(m.peakMiB)} | ${fmt(m.peakAnonMiB)} | ${fmt(e?.rssBeforeGcMiB ?? m.rssMiB)} | ${fmt(e === undefined ? undefined : e.heapUsed / MiB)} |\n`,
      );
    }
    const embedded = platform.embeddedDatabase;
    if (embedded !== undefined) {
      const db = rssOf(embedded.pid);
      process.stdout.write(`| shared embedded PostgreSQL (PGlite) | ${fmt(embeddedIdle)} | — | ${fmt(db?.peakMiB)} | — | ${fmt(db?.rssMiB)} | — |\n`);
      total.idle += embeddedIdle ?? 0;
      total.peak += db?.peakMiB ?? 0;
      total.end += db?.rssMiB ?? 0;
    }
    process.stdout.write(`| all processes | ${fmt(total.idle)} | | ${fmt(total.peak)} (sum of peaks) | | ${fmt(total.end)} | |\n`);
  } catch (err) {
    for (const [id, lines] of Object.entries(platform.logs)) process.stderr.write(`--- ${id} (last lines)\n${lines.slice(-5).join('\n')}\n`);
    throw err;
  } finally {
    await platform.stop();
    await cleanup(databaseUrl, redisUrl);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
