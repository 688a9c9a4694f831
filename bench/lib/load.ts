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
