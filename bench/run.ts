// The one entry point of podkit's benchmarks: `npm run bench`.
//
// Builds the packages (the benchmark modules import the built `@podkit/*`), imports each
// benchmark module that exists, calls its exported `run(options)`, and prints ONE table: req/s,
// p50/p99, per-call costs, ratios against the bare baselines measured in the same run, and each
// issue's target next to the result with whether it was met. Writes the table with the date,
// Node version, CPU model and core count to bench/results/latest.md (and the raw results to
// bench/results/latest.json, which is not committed).
//
// Options (after `npm run bench --`):
//   --only config,core,http-server,fastify,proxy,router-post,http-client,platform,service-config,overload   run a subset
//   --quick                                              short runs, to check the wiring (figures are rough)
//   --note "text"                                        add a note to the report header
//   --no-write                                           print only
//   --render bench/results/latest.json                   re-render the table from saved raw results (no run)
// Wrap it in `flock /tmp/podkit-bench.lock` on a shared machine so benchmarks do not overlap.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine, noiseNote, unpin } from './lib/machine.ts';
import type { MachineInfo } from './lib/machine.ts';
import { configRows, coreRows, fastifyRows, genericRows, httpClientRows, httpServerRows, overloadRows, platformRows, proxyRows, routerPostRows, serviceConfigRows } from './lib/rows.ts';
import type { Row } from './lib/rows.ts';
import { renderReport, renderTable } from './lib/table.ts';
import type { BenchOutcome } from './lib/table.ts';

/** One benchmark module and how to run and read it. */
interface BenchSpec {
  readonly id: string;
  readonly file: string;
  /** Options for a full run (each module's defaults unless shortened to fit the 10-minute budget). */
  readonly options: Record<string, unknown>;
  /** Options for `--quick`. */
  readonly quick: Record<string, unknown>;
  readonly rows: (result: unknown) => Row[];
  /** A module that has not settled after this long is reported as failed and the run goes on. */
  readonly timeoutSeconds: number;
}

// Order matters: in-process micro-benchmarks first, while nothing else runs; the client benchmark
// pins this process to core 0 (the runner restores the affinity afterwards).
const BENCHES: readonly BenchSpec[] = [
  { id: 'config', file: 'config.bench.ts', options: {}, quick: { ops: 300, rounds: 3 }, rows: configRows, timeoutSeconds: 120 },
  { id: 'core', file: 'core.bench.ts', options: {}, quick: { ops: 20_000, rounds: 3 }, rows: coreRows, timeoutSeconds: 180 },
  {
    id: 'http-server',
    file: 'http-server.bench.ts',
    // 8 variants × 2 rounds (4 s per measurement), then 6 alternating 2 s windows each for the
    // CPU figure (all 8 running at once): about 5 minutes on 2 cores.
    options: { seconds: 4, windows: 6 },
    quick: { seconds: 1, fixedRate: 5000, rounds: 1, windows: 2 },
    rows: httpServerRows,
    timeoutSeconds: 420,
  },
  // 6 variants × 2 rounds of 3 s (+ 1 s warm-up + 3 s at the fixed rate): about 2 minutes.
  { id: 'fastify', file: 'fastify.bench.ts', options: {}, quick: { seconds: 1, fixedRate: 5000, rounds: 1 }, rows: fastifyRows, timeoutSeconds: 240 },
  // 5 proxies × 2 rounds × (1 s warm-up + 3 s full load + 3 s at 5,000 req/s), then 8 alternating
  // 2 s windows each for the CPU figure (all running at once): about 3.5 minutes.
  { id: 'proxy', file: 'proxy.bench.ts', options: { rounds: 2 }, quick: { seconds: 1, rounds: 1, windows: 2 }, rows: proxyRows, timeoutSeconds: 360 },
  // 6 variants × 3 rounds of 1 s warm-up + 3 s full load + 3 s at 8,000 req/s (req/s, latency),
  // then 10 alternating 2 s windows each at 8,000 req/s for the CPU figure (all six running at
  // once): about 5 minutes. The machine's speed drifts 20–30 % from one minute to the next here,
  // which neither fresh processes per round nor a median of five could outvote (2026-12-04: bare
  // node:http costing more than Fastify in a two-round run); alternating windows put the same
  // drift on every variant.
  {
    id: 'router-post',
    file: 'router-post.bench.ts',
    options: {},
    quick: { seconds: 1, fixedRate: 4000, rounds: 1, windows: 2, variants: ['bare', 'fastify', 'podkit'] },
    rows: routerPostRows,
    timeoutSeconds: 420,
  },
  { id: 'http-client', file: 'http-client.bench.ts', options: {}, quick: { seconds: 1, rounds: 1 }, rows: httpClientRows, timeoutSeconds: 240 },
  { id: 'platform', file: 'platform.bench.ts', options: {}, quick: { seconds: 2, quick: true }, rows: platformRows, timeoutSeconds: 240 },
  // 2 variants × 2 rounds of 4 s (+ 1 s warm-up + 3 s at the fixed rate), 10 alternating 2 s
  // windows each for the CPU figure, then 60 s idle (30 in --quick): about 3 minutes.
  {
    id: 'service-config',
    file: 'service-config.bench.ts',
    options: {},
    quick: { seconds: 1, fixedRate: 3000, rounds: 1, windows: 2, idleSeconds: 30 },
    rows: serviceConfigRows,
    timeoutSeconds: 300,
  },
  // Four variants of 12 s each (the scenario); --quick keeps the default variant only.
  { id: 'overload', file: 'overload.bench.ts', options: {}, quick: { seconds: 4, variants: ['default'] }, rows: overloadRows, timeoutSeconds: 150 },
];

const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('..', import.meta.url));

function build(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  console.error('building packages (tsc -b tsconfig.build.json) ...');
  execFileSync(process.execPath, [tsc, '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}

async function runOne(spec: BenchSpec, quick: boolean): Promise<{ rows: Row[]; outcome: BenchOutcome; raw?: unknown }> {
  const path = `${here}${spec.file}`;
  const started = performance.now();
  const seconds = (): number => (performance.now() - started) / 1000;
  if (!existsSync(path)) return { rows: [], outcome: { bench: spec.id, seconds: 0, status: `skipped: bench/${spec.file} does not exist` } };
  console.error(`running ${spec.id} (bench/${spec.file}) ...`);
  try {
    const mod = (await import(pathToFileURL(path).href)) as { run?: (options: Record<string, unknown>) => unknown };
    if (typeof mod.run !== 'function') {
      return { rows: [], outcome: { bench: spec.id, seconds: seconds(), status: `skipped: bench/${spec.file} exports no run()` } };
    }
    // A module whose child process dies can leave a promise that never settles; the ref'ed timer
    // keeps this process alive and turns that into a failed row instead of a silent exit.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`did not finish within ${spec.timeoutSeconds} s`)), spec.timeoutSeconds * 1000);
    });
    const raw = await Promise.race([Promise.resolve(mod.run(quick ? spec.quick : spec.options)), timeout]).finally(() => clearTimeout(timer));
    let rows: Row[];
    try {
      rows = spec.rows(raw);
    } catch {
      rows = genericRows(spec.id, raw);
    }
    console.error(`${spec.id} done in ${seconds().toFixed(0)} s`);
    return { rows, raw, outcome: { bench: spec.id, seconds: seconds(), status: quick ? 'ok (--quick: rough figures)' : 'ok' } };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`${spec.id} failed: ${message}`);
    return { rows: [], outcome: { bench: spec.id, seconds: seconds(), status: `failed: ${message.split('\n')[0] ?? ''}` } };
  }
}

/** What bench/results/latest.json holds. */
interface SavedRun {
  readonly machine: MachineInfo;
  readonly loadAtEnd: number;
  readonly outcomes: BenchOutcome[];
  readonly results: Record<string, unknown>;
  readonly note?: string | undefined;
  /** The `--quick`, build and `--note` parts of the note (the load part is recomputed on render). */
  readonly extraNote?: string | undefined;
  readonly totalSeconds?: number;
}

/** Re-renders a saved run (after a change to how rows are read) without measuring again. */
function render(file: string, write: boolean): number {
  const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedRun;
  const rows = BENCHES.flatMap((spec) => (spec.id in saved.results ? spec.rows(saved.results[spec.id]) : []));
  const note = noiseNote(saved.machine, saved.loadAtEnd, saved.extraNote);
  const report = renderReport(saved.machine, rows, saved.outcomes, note, saved.totalSeconds ?? 0);
  console.log(report);
  if (write) writeFileSync(`${here}results/latest.md`, report);
  return 0;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      quick: { type: 'boolean', default: false },
      note: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      render: { type: 'string' },
    },
  });
  if (values.render !== undefined) return render(values.render, !values['no-write']);
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((id) => !BENCHES.some((b) => b.id === id));
  if (unknown && unknown.length > 0) {
    throw new Error(`--only: unknown benchmark ${unknown.join(', ')} (known: ${BENCHES.map((b) => b.id).join(', ')})`);
  }
  let buildNote: string | undefined;
  if (!values['no-build']) {
    try {
      build();
    } catch {
      const built = ['config', 'core', 'http'].every((p) => existsSync(`${root}packages/${p}/dist/index.js`));
      if (!built) throw new Error('the packages do not build (see the tsc output above) and there is no earlier build to measure');
      buildNote = 'tsc -b failed at the start of this run: config, core and client figures are from the previous build of the packages';
      console.error(`warning: ${buildNote}`);
    }
  }

  const machine = describeMachine();
  const started = performance.now();
  const rows: Row[] = [];
  const outcomes: BenchOutcome[] = [];
  const raw: Record<string, unknown> = {};
  for (const spec of BENCHES) {
    if (only && !only.includes(spec.id)) continue;
    const result = await runOne(spec, values.quick);
    unpin(machine);
    rows.push(...result.rows);
    outcomes.push(result.outcome);
    if (result.raw !== undefined) raw[spec.id] = result.raw;
  }
  const totalSeconds = (performance.now() - started) / 1000;
  const loadAtEnd = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const extraNote = [values.quick ? '--quick run: short measurements, rough figures' : undefined, buildNote, values.note].filter(Boolean).join('; ') || undefined;
  const note = noiseNote(machine, loadAtEnd, extraNote);
  const report = renderReport(machine, rows, outcomes, note, totalSeconds);

  console.log(`\n${renderTable(rows)}\n`);
  for (const o of outcomes) console.log(`${o.bench}: ${o.status} (${Math.round(o.seconds)} s)`);
  if (note) console.log(`note: ${note}`);
  if (!values['no-write']) {
    const dir = `${here}results`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(`${dir}/latest.md`, report);
    const saved: SavedRun = { machine, loadAtEnd, outcomes, results: raw, note, extraNote, totalSeconds };
    writeFileSync(`${dir}/latest.json`, `${JSON.stringify(saved, null, 2)}\n`);
    console.log(`\nwritten to bench/results/latest.md (${Math.round(totalSeconds)} s in all)`);
  }
  return outcomes.some((o) => o.status.startsWith('failed')) ? 1 : 0;
}

// A benchmark that timed out may leave children or sockets behind: end the run explicitly.
try {
  process.exit(await main());
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
