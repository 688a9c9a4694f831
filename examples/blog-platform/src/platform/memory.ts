import { readFileSync } from 'node:fs';
import type { MemoryReport } from '../shared/memory-report.ts';
import type { ServiceProcess } from './child.ts';

export type { MemoryReport } from '../shared/memory-report.ts';

/** Current and peak resident set size of a process in MiB (Linux `/proc/<pid>/status`: `VmRSS`, `VmHWM`, `RssAnon`). */
export interface ProcessRss {
  readonly rssMiB: number;
  /** The kernel's high-water mark since the process started. */
  readonly peakMiB: number;
  /**
   * Anonymous resident memory (`RssAnon`: heaps, stacks, malloc), without the pages of files
   * mapped in (`RssFile`: mostly the `node` executable, about 50 MiB, shared and reclaimable).
   */
  readonly anonMiB: number;
}

/** {@link ProcessRss} of `pid`; `undefined` when it exited (or not on Linux). */
export function rssOf(pid: number | undefined): ProcessRss | undefined {
  if (pid === undefined) return undefined;
  let status: string;
  try {
    status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const rss = { rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024, anonMiB: kib('RssAnon') / 1024 };
  return Number.isNaN(rss.peakMiB) ? undefined : rss; // a zombie has no memory lines
}

/**
 * Asks a service process for its {@link MemoryReport} over the IPC channel (a full GC runs first
 * when the process has `--expose-gc` in its `NODE_OPTIONS`). Rejects after `timeoutMs`.
 */
export function requestMemoryReport(proc: ServiceProcess, timeoutMs = 5_000): Promise<MemoryReport> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type?: unknown }): void => {
      if (msg.type !== 'memory') return;
      done();
      resolve(msg as MemoryReport);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${proc.id} sent no memory report within ${String(timeoutMs)} ms`));
    }, timeoutMs);
    const done = (): void => {
      clearTimeout(timer);
      proc.child.off('message', onMessage);
    };
    proc.child.on('message', onMessage);
    proc.child.send({ type: 'memory-report' }, (err) => {
      if (err === null) return;
      done();
      reject(err);
    });
  });
}
