/**
 * The parent side of a load benchmark: processes pinned to a core with `taskset`, autocannon on
 * core 1 with its JSON report, a target child started and its port read, the child's CPU time
 * read over IPC, and the usual phases (warm-up, full load, fixed rate with the CPU time around it).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { median } from './stats.ts';

let taskset: boolean | undefined;

/** Whether `taskset` is installed (checked once, on first call). */
export function hasTaskset(): boolean {
  taskset ??= spawnSync('taskset', ['-V']).status === 0;
  return taskset;
}

/**
 * Spawns `args` pinned to `core` with `taskset -c` (which exec()s the command, so the child's pid
 * is the command's), or unpinned when `taskset` is missing.
 * @example pinned(0, [process.execPath, 'server.ts'], { stdio: 'inherit' })
 */
export function pinned(core: number, args: readonly string[], options: SpawnOptions): ChildProcess {
  return hasTaskset() ? spawn('taskset', ['-c', String(core), ...args], options) : spawn(args[0]!, args.slice(1), options);
}

/** The parts of autocannon's `--json` report the benchmarks read. */
export interface Cannon {
  readonly requests: { readonly average: number; readonly total: number };
  readonly latency: { readonly p50: number; readonly p99: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

let autocannonBin: string | undefined;

/**
 * Runs autocannon pinned to core 1 against `url` with `args` (e.g. `['-c', '50', '-d', '3']`)
 * and returns its JSON report (`T` for a caller reading other fields of it).
 * @example const full = await autocannon('http://127.0.0.1:8080/', ['-c', '50', '-d', '3']);
 */
export async function autocannon<T = Cannon>(url: string, args: readonly string[]): Promise<T> {
  autocannonBin ??= createRequire(import.meta.url).resolve('autocannon/autocannon.js');
  const child = pinned(1, [process.execPath, autocannonBin, '--json', '--no-progress', ...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  await once(child, 'exit');
  return JSON.parse(out) as T;
}

/**
 * Asks a target child (see `target-child.ts`) for its CPU time over IPC: user + system, in µs.
 */
export async function childCpuMicros(child: ChildProcess): Promise<number> {
  child.send('cpu');
  const [usage] = (await once(child, 'message')) as [NodeJS.CpuUsage];
  return usage.user + usage.system;
}

/** Options of {@link startTarget}. */
export interface StartTargetOptions {
  /** The core the child is pinned to. */
  readonly core: number;
  /** Node options before the script (e.g. `--cpu-prof`); `--conditions=@podkit/source` is always added after them. @default [] */
  readonly execArgv?: readonly string[];
  /** Open an IPC channel (for {@link childCpuMicros}). @default true */
  readonly ipc?: boolean;
  /** The child's environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** A started target child and the first line it printed (its port, or ports). */
export interface StartedTarget {
  readonly child: ChildProcess;
  readonly line: string;
}

/**
 * Starts `node --conditions=@podkit/source <script> ...args` pinned to a core and resolves with
 * the first line it prints on stdout (what `reportPort()` writes); rejects if it exits first.
 * @example const { child, line } = await startTarget(script, ['bare'], { core: 0 });
 */
export async function startTarget(script: string, args: readonly string[], options: StartTargetOptions): Promise<StartedTarget> {
  const stdio: SpawnOptions['stdio'] = options.ipc === false ? ['ignore', 'pipe', 'inherit'] : ['ignore', 'pipe', 'inherit', 'ipc'];
  const child = pinned(options.core, [process.execPath, ...(options.execArgv ?? []), '--conditions=@podkit/source', script, ...args], {
    stdio,
    ...(options.env !== undefined ? { env: options.env } : {}),
  });
  const exited = once(child, 'exit').then(() => Promise.reject(new Error(`${args[0] ?? script} exited at start`)));
  exited.catch(() => undefined); // only the race below reports it
  const [chunk] = (await Promise.race([once(child.stdout!, 'data'), exited])) as [Buffer];
  return { child, line: chunk.toString().trim() };
}

/** The phases of {@link loadPhases}. */
export interface LoadPhasesOptions {
  /** Keep-alive connections. */
  readonly connections: number;
  /** Seconds at full load. */
  readonly seconds: number;
  /** Seconds at the fixed rate. */
  readonly fixedSeconds: number;
  /** The fixed rate, req/s. */
  readonly fixedRate: number;
  /** autocannon arguments before the others in every phase (e.g. method, headers, body). @default [] */
  readonly requestArgs?: readonly string[];
}

/** What {@link loadPhases} measured. */
export interface LoadPhases {
  readonly full: Cannon;
  readonly fixed: Cannon;
  /** The target's CPU time over the fixed-rate phase, µs. */
  readonly cpuMicros: number;
}

/**
 * The phases every server benchmark runs against one target: 1 s of warm-up (JIT), `seconds` at
 * full load, then `fixedSeconds` at `fixedRate` with the target's CPU time read before and after.
 * @example const { full, fixed, cpuMicros } = await loadPhases(url, () => childCpuMicros(child), { connections: 50, seconds: 3, fixedSeconds: 3, fixedRate: 10_000 });
 */
export async function loadPhases(url: string, cpu: () => Promise<number>, o: LoadPhasesOptions): Promise<LoadPhases> {
  const c = ['-c', String(o.connections)];
  const pre = o.requestArgs ?? [];
  await autocannon(url, [...pre, ...c, '-d', '1']); // warm-up (JIT)
  const full = await autocannon(url, [...pre, ...c, '-d', String(o.seconds)]);
  const before = await cpu();
  const fixed = await autocannon(url, [...pre, ...c, '-d', String(o.fixedSeconds), '-R', String(o.fixedRate)]);
  const after = await cpu();
  return { full, fixed, cpuMicros: after - before };
}

/** The figures of one target under load, as the server benchmarks report them. */
export interface LoadFigures {
  /** Requests/s at full load, rounded. */
  readonly requestsPerSecond: number;
  /** Median latency in ms at full load. */
  readonly p50Ms: number;
  /** 99th percentile latency in ms at full load. */
  readonly p99Ms: number;
  /** The target's CPU µs per request at the fixed rate, to 0.1 µs. */
  readonly cpuMicrosPerRequest: number;
}

/** Turns {@link loadPhases}' result into the reported figures. */
export function loadFigures({ full, fixed, cpuMicros }: LoadPhases): LoadFigures {
  return {
    requestsPerSecond: Math.round(full.requests.average),
    p50Ms: full.latency.p50,
    p99Ms: full.latency.p99,
    cpuMicrosPerRequest: Math.round((cpuMicros / fixed.requests.total) * 10) / 10,
  };
}

/** Throws when either phase saw connection errors or non-2xx answers (timeouts are not counted). */
export function assertClean(variant: string, { full, fixed }: LoadPhases): void {
  if (full.errors + full.non2xx + fixed.errors + fixed.non2xx > 0) throw new Error(`${variant}: errors or non-2xx responses during the run`);
}

/** Sends `signal` to `child` unless it has exited, and resolves once it has. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/**
 * The median of each figure over the rounds of one variant (each figure on its own, so the
 * medians may come from different rounds).
 */
export function medianFigures(rounds: readonly LoadFigures[]): LoadFigures {
  const pick = (f: (s: LoadFigures) => number): number => median(rounds.map(f));
  return { requestsPerSecond: pick((s) => s.requestsPerSecond), p50Ms: pick((s) => s.p50Ms), p99Ms: pick((s) => s.p99Ms), cpuMicrosPerRequest: pick((s) => s.cpuMicrosPerRequest) };
}

/** One live target of {@link alternatingCpu}: its URL and how to read its CPU time (µs). */
export interface AlternatingTarget {
  readonly url: string;
  readonly cpu: () => Promise<number>;
}

/** Options of {@link alternatingCpu}. */
export interface AlternatingOptions {
  /** Windows per target. */
  readonly windows: number;
  /** Seconds per window. */
  readonly windowSeconds: number;
  /** Fixed request rate (req/s) in every window. */
  readonly rate: number;
  /** Keep-alive connections. */
  readonly connections: number;
  /** autocannon request arguments (method, headers, body). @default [] */
  readonly requestArgs?: readonly string[];
}

/** One fixed-rate window of one target: its CPU time and the requests it answered. */
export interface WindowSample {
  readonly cpuMicros: number;
  readonly requests: number;
  /** Connection errors, timeouts and non-2xx answers in the window (below capacity, none is expected). */
  readonly failures: number;
}

/** CPU per request of one target over its alternating windows. */
export interface AlternatingFigures {
  /** Total CPU time ÷ total requests over all windows, to 0.1 µs. */
  readonly cpuMicrosPerRequest: number;
  /** Each window's CPU µs per request, in order (for the spread). */
  readonly windowMicros: readonly number[];
  /** Requests answered over all windows. */
  readonly requests: number;
  /** Connection errors, timeouts and non-2xx answers over all windows. */
  readonly failures: number;
}

/**
 * Sums one target's windows: CPU per request is total CPU over total requests (a window with
 * more requests weighs more), each window's own figure kept for the spread.
 */
export function alternatingFigures(samples: readonly WindowSample[]): AlternatingFigures {
  let cpu = 0;
  let requests = 0;
  let failures = 0;
  for (const s of samples) {
    cpu += s.cpuMicros;
    requests += s.requests;
    failures += s.failures;
  }
  return {
    cpuMicrosPerRequest: requests > 0 ? Math.round((cpu / requests) * 10) / 10 : Number.NaN,
    windowMicros: samples.map((s) => (s.requests > 0 ? Math.round((s.cpuMicros / s.requests) * 10) / 10 : Number.NaN)),
    requests,
    failures,
  };
}

/**
 * CPU time per request of several targets that are all running, measured in alternating
 * fixed-rate windows (A, B, C, A, B, C, ...): one target is loaded at a time while the others
 * idle, so a slow drift of the machine's speed (on a shared VM one minute can cost 20-30 % more
 * CPU per request than the next) falls on every target alike instead of on whichever process ran
 * then. The targets should be warm (the JIT tiered up) before this is called.
 * @example const [a, b] = await alternatingCpu([{ url: ua, cpu: () => childCpuMicros(ca) }, { url: ub, cpu: () => childCpuMicros(cb) }], { windows: 10, windowSeconds: 2, rate: 8000, connections: 50 });
 */
export async function alternatingCpu(targets: readonly AlternatingTarget[], o: AlternatingOptions): Promise<AlternatingFigures[]> {
  const samples: WindowSample[][] = targets.map(() => []);
  const args = [...(o.requestArgs ?? []), '-c', String(o.connections), '-d', String(o.windowSeconds), '-R', String(o.rate)];
  for (let w = 0; w < o.windows; w++) {
    for (const [i, t] of targets.entries()) {
      const before = await t.cpu();
      const window = await autocannon(t.url, args);
      const after = await t.cpu();
      samples[i]!.push({ cpuMicros: after - before, requests: window.requests.total, failures: window.errors + window.timeouts + window.non2xx });
    }
  }
  return samples.map(alternatingFigures);
}

/** A started target for {@link cpuInWindows}: an {@link AlternatingTarget} and how to stop it. */
export interface LiveTarget extends AlternatingTarget {
  readonly stop: () => unknown;
}

/** What {@link cpuInWindows} reports per target. */
export interface WindowFigures {
  /** Total CPU ÷ total requests over the target's windows, µs to 0.1. */
  readonly cpuMicrosPerRequest: number;
  /** The lowest and highest window's CPU µs per request (the machine's drift within the run). */
  readonly cpuWindowRange: readonly [number, number];
}

/**
 * Starts every variant (all running at once), warms each up at full load for `warmSeconds`,
 * measures their CPU per request in {@link alternatingCpu}'s alternating windows, and stops them
 * all (also on failure). Throws naming the variant when a window saw errors, timeouts or non-2xx answers.
 * @example const cpu = await cpuInWindows(['bare', 'podkit'], startLive, { windows: 10, windowSeconds: 2, rate: 8000, connections: 50 });
 */
export async function cpuInWindows<V extends string>(
  variants: readonly V[],
  start: (variant: V) => Promise<LiveTarget>,
  o: AlternatingOptions & { readonly warmSeconds?: number },
): Promise<Map<V, WindowFigures>> {
  const live: LiveTarget[] = [];
  try {
    for (const v of variants) live.push(await start(v));
    const warm = [...(o.requestArgs ?? []), '-c', String(o.connections), '-d', String(o.warmSeconds ?? 2)];
    for (const t of live) await autocannon(t.url, warm); // JIT tier-up before anything is counted
    const figures = await alternatingCpu(live, o);
    const out = new Map<V, WindowFigures>();
    for (const [i, v] of variants.entries()) {
      const f = figures[i]!;
      if (f.failures > 0) throw new Error(`${v}: errors, timeouts or non-2xx responses in the alternating windows`);
      out.set(v, { cpuMicrosPerRequest: f.cpuMicrosPerRequest, cpuWindowRange: [Math.min(...f.windowMicros), Math.max(...f.windowMicros)] });
    }
    return out;
  } finally {
    await Promise.all(live.map((t) => t.stop()));
  }
}
