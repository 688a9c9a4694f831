/**
 * Summarises a V8 `.cpuprofile` (as written by `node --cpu-prof`) into self time per function,
 * so a benchmark can show where a server's CPU goes, not only how much it uses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

/** One function's share of the sampled CPU time. */
export interface ProfileEntry {
  /** `name (file:line)`, paths shortened to the package or repository folder. */
  where: string;
  /** Percentage of busy (non-idle) samples spent in the function itself. */
  selfPercent: number;
}

/** Where a profile's samples went: the top functions, and podkit's own share. */
export interface ProfileSummary {
  top: ProfileEntry[];
  /** Self time in podkit's sources (`packages/`), percent of busy samples. */
  podkitPercent: number;
  /** Self time in node: internals (HTTP parser, streams, timers), percent. */
  nodeInternalsPercent: number;
  /** Garbage collection, percent. */
  gcPercent: number;
}

function shorten(url: string): string {
  const at = url.search(/\/(packages|node_modules|bench|examples)\//);
  return at === -1 ? url.replace(/^file:\/\//, '') : url.slice(at + 1);
}

/** Reads a `.cpuprofile` and returns its top `n` functions by self time. */
export function summariseProfile(path: string, n = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  // Percentages are of busy time: samples where the process was idle (waiting on I/O) are left out.
  let idle = 0;
  for (const [id, count] of hits) if (byId.get(id)!.callFrame.functionName === '(idle)') idle += count;
  const total = profile.samples.length - idle || 1;
  const byWhere = new Map<string, number>();
  let podkit = 0;
  let internals = 0;
  let gc = 0;
  for (const [id, count] of hits) {
    const frame = byId.get(id)!.callFrame;
    const name = frame.functionName || '(anonymous)';
    if (name === '(idle)') continue;
    if (name === '(garbage collector)') gc += count;
    if (frame.url.includes('/packages/')) podkit += count;
    if (frame.url.startsWith('node:')) internals += count;
    const where = frame.url === '' ? name : `${name} (${shorten(frame.url)}:${frame.lineNumber + 1})`;
    byWhere.set(where, (byWhere.get(where) ?? 0) + count);
  }
  const pct = (x: number): number => Math.round((x / total) * 1000) / 10;
  const top = [...byWhere.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([where, count]) => ({ where, selfPercent: pct(count) }));
  return { top, podkitPercent: pct(podkit), nodeInternalsPercent: pct(internals), gcPercent: pct(gc) };
}

/**
 * Summarises the `.cpuprofile` that `node --cpu-prof --cpu-prof-dir=<dir>` wrote in `dir` (the
 * first one found); throws naming `variant` when there is none.
 */
export function writtenProfile(dir: string, variant: string): ProfileSummary {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (file === undefined) throw new Error(`${variant}: no CPU profile was written`);
  return summariseProfile(join(dir, file));
}

/**
 * Prints a summary as the benchmarks do when run with `BENCH_PROFILE`: a heading naming `subject`
 * and `rate` (req/s), podkit's, Node's and GC's shares, then the top functions.
 */
export function printProfile(subject: string, rate: number, summary: ProfileSummary): void {
  console.log(`CPU profile of "${subject}" at ${String(rate)} req/s (self time, % of busy CPU):`);
  console.log(`  podkit sources ${summary.podkitPercent}%, node internals ${summary.nodeInternalsPercent}%, GC ${summary.gcPercent}%`);
  for (const e of summary.top) console.log(`  ${e.selfPercent.toFixed(1).padStart(5)}%  ${e.where}`);
}
