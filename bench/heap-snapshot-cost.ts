// What a heap snapshot costs, by heap size: file size, time (the event loop is blocked the whole
// time) and peak RSS, through @podkit/core's createDiagnostics. The figures of
// docs/diagnostics.md ("What a heap snapshot costs") come from this script. Each size runs in a
// fresh child process holding that much heap in small objects.
// Run: node --conditions=@podkit/source bench/heap-snapshot-cost.ts [MiB ...]   (default 5 50 150)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getHeapStatistics } from 'node:v8';
import { createDiagnostics } from '@podkit/core';

const MiB = 1024 * 1024;

async function child(targetMiB: number): Promise<void> {
  const keep: unknown[] = [];
  for (let i = 0; getHeapStatistics().used_heap_size < targetMiB * MiB; i++) {
    keep.push({ id: i, name: `item${String(i)}`, tags: [`a${String(i)}`, 'b'], text: `${'x'.repeat(100)}${String(i)}` });
  }
  (globalThis as { keep?: unknown }).keep = keep;
  const directory = mkdtempSync(join(tmpdir(), 'podkit-bench-heap-'));
  try {
    const heapMiB = getHeapStatistics().used_heap_size / MiB;
    const rssBeforeMiB = process.memoryUsage().rss / MiB;
    const cpu = process.cpuUsage();
    const file = await createDiagnostics({ directory }).writeHeapSnapshot();
    const { user, system } = process.cpuUsage(cpu);
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ heapMiB, fileMiB: file.bytes / MiB, seconds: file.durationMs / 1000, cpuSeconds: (user + system) / 1e6, rssBeforeMiB, peakRssMiB }));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

function parent(sizes: number[]): void {
  const self = fileURLToPath(import.meta.url);
  console.log('| heap in use | file | wall time (event loop blocked) | CPU time | RSS before → peak |');
  console.log('|---|---|---|---|---|');
  for (const size of sizes) {
    const run = spawnSync(process.execPath, [...process.execArgv, self, '--child', String(size)], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`child for ${String(size)} MiB failed: ${run.stderr}`);
    const r = JSON.parse(run.stdout) as { heapMiB: number; fileMiB: number; seconds: number; cpuSeconds: number; rssBeforeMiB: number; peakRssMiB: number };
    console.log(`| ${r.heapMiB.toFixed(1)} MiB | ${r.fileMiB.toFixed(1)} MiB | ${r.seconds.toFixed(1)} s | ${r.cpuSeconds.toFixed(1)} s | ${r.rssBeforeMiB.toFixed(0)} → ${r.peakRssMiB.toFixed(0)} MiB |`);
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') await child(Number(args[1]));
else parent(args.length > 0 ? args.map(Number) : [5, 50, 150]);
