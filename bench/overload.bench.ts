// Overload and liveness: the event loop of a podkit server saturated by a CPU-heavy handler
// under load for 12 s, its liveness endpoint probed like kubelet does (a new connection every
// 2.5 s, 3 s timeout, the example manifests' `timeoutSeconds`). A liveness answer slower than
// the timeout is a failed probe: three in a row and Kubernetes restarts a healthy pod.
// Variants: serve()'s defaults, and `loadShedding: false` (the default before issue #13).
// Server pinned to core 0 and autocannon to core 1 (taskset); the prober runs in this process.
// Run: node bench/overload.bench.ts   (options: --seconds 12 --connections 64 --cpu-ms 25 --variants off,default,turn,admin)
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { autocannon, hasTaskset, startTarget } from './lib/load.ts';

/** Options of {@link run}. */
export interface OverloadBenchOptions {
  /** Length of the saturation. @default 12 */
  readonly seconds?: number;
  /** Concurrent keep-alive connections of the load. @default 64 */
  readonly connections?: number;
  /** CPU time each `/cpu` request burns. @default 25 */
  readonly cpuMs?: number;
  /** Probe period and timeout (kubelet's `periodSeconds`, `timeoutSeconds`), ms. @default 2500, 3000 */
  readonly probePeriodMs?: number;
  readonly probeTimeoutMs?: number;
  readonly variants?: readonly Variant[];
}

type Variant = 'default' | 'off' | 'turn' | 'admin';
const LABELS: Record<Variant, string> = {
  off: 'loadShedding: false (old default)',
  default: 'serve() defaults (turn + window rule)',
  turn: 'turn rule only (windowMs: false)',
  admin: 'serve() defaults, probes on adminPort',
};

/** The figures of one variant. */
export interface OverloadResult {
  readonly name: string;
  /** Liveness answer times in ms, in probe order (a probe still unanswered after 10 s counts 10 000). */
  readonly probesMs: readonly number[];
  readonly slowestProbeMs: number;
  /** Probes slower than the probe timeout (failed for kubelet). */
  readonly failedProbes: number;
  /** Load responses: 2xx, and 503 (shed). */
  readonly ok: number;
  readonly shed: number;
}

const target = fileURLToPath(new URL('./overload-target.ts', import.meta.url));

/** The fields of autocannon's report this benchmark reads. */
interface CannonCounts {
  readonly '2xx': number;
  readonly non2xx: number;
  readonly statusCodeStats?: Record<string, { count: number }>;
}

/** One kubelet-style probe: a new connection, GET /health; resolves the answer time (cap 10 s). */
function probe(port: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (): void => resolve(Math.round(performance.now() - started));
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', done);
    });
    req.setTimeout(10_000, () => {
      req.destroy();
      resolve(10_000);
    });
    req.on('error', done);
    req.end();
  });
}

async function measure(variant: Variant, o: Required<OverloadBenchOptions>): Promise<OverloadResult> {
  const { child: server, line } = await startTarget(target, [variant], { core: 0, ipc: false, env: { ...process.env, CPU_MS: String(o.cpuMs) } });
  try {
    const [port, probePort] = line.split(' ').map(Number) as [number, number];
    const cannonDone = autocannon<CannonCounts>(`http://127.0.0.1:${String(port)}/cpu`, ['-c', String(o.connections), '-d', String(o.seconds)]);
    // Probes start once the load runs and are spaced by the period, as kubelet's are.
    const probes: Array<Promise<number>> = [];
    const startedAt = performance.now();
    for (let at = o.probePeriodMs / 5; at < o.seconds * 1000; at += o.probePeriodMs) {
      const wait = startedAt + at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      probes.push(probe(probePort));
    }
    const probesMs = await Promise.all(probes);
    const result = await cannonDone;
    return {
      name: LABELS[variant],
      probesMs,
      slowestProbeMs: Math.max(...probesMs),
      failedProbes: probesMs.filter((ms) => ms > o.probeTimeoutMs).length,
      ok: result['2xx'],
      shed: result.statusCodeStats?.['503']?.count ?? 0,
    };
  } finally {
    server.kill('SIGKILL');
  }
}

/** Runs each variant once, one after the other. */
export async function run(options: OverloadBenchOptions = {}): Promise<OverloadResult[]> {
  const o: Required<OverloadBenchOptions> = {
    seconds: options.seconds ?? 12,
    connections: options.connections ?? 64,
    cpuMs: options.cpuMs ?? 25,
    probePeriodMs: options.probePeriodMs ?? 2500,
    probeTimeoutMs: options.probeTimeoutMs ?? 3000,
    variants: options.variants ?? ['off', 'default', 'turn', 'admin'],
  };
  const results: OverloadResult[] = [];
  for (const variant of o.variants) results.push(await measure(variant, o));
  return results;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: { seconds: { type: 'string' }, connections: { type: 'string' }, 'cpu-ms': { type: 'string' }, variants: { type: 'string' } },
  });
  const o = {
    seconds: values.seconds === undefined ? 12 : Number(values.seconds),
    connections: values.connections === undefined ? 64 : Number(values.connections),
    cpuMs: values['cpu-ms'] === undefined ? 25 : Number(values['cpu-ms']),
    ...(values.variants === undefined ? {} : { variants: values.variants.split(',') as Variant[] }),
  };
  const results = await run(o);
  console.log(
    `node ${process.version}, ${hasTaskset() ? 'server on core 0, autocannon on core 1' : 'NOT pinned (taskset missing)'}; ` +
      `${String(o.seconds)} s of load, ${String(o.connections)} connections, ${String(o.cpuMs)} ms CPU per request; liveness every 2.5 s, timeout 3 s`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(40)} liveness ms [${r.probesMs.join(', ')}]  slowest ${String(r.slowestProbeMs)}  failed ${String(r.failedProbes)}/${String(r.probesMs.length)}  ` +
        `load 2xx ${String(r.ok)}, 503 ${String(r.shed)}`,
    );
  }
}
