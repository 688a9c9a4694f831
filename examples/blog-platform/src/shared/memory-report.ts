/** What a service process answers to `{ type: 'memory-report' }` (all figures in bytes). */
export interface MemoryReport {
  readonly type: 'memory';
  /** True when a full GC ran first (the process was started with `--expose-gc`). */
  readonly gc: boolean;
  /** Resident set size. */
  readonly rss: number;
  /** V8 heap in use (after the GC when `gc` is true: the live heap). */
  readonly heapUsed: number;
  /** V8 heap reserved. */
  readonly heapTotal: number;
  /** Memory of C++ objects bound to JavaScript objects (Buffers among them). */
  readonly external: number;
  /** `ArrayBuffer`s and `Buffer`s (part of `external`). */
  readonly arrayBuffers: number;
}

/**
 * Answers `{ type: 'memory-report' }` on the IPC channel of a process started by the platform's
 * launcher with its {@link MemoryReport}, after a full GC when `--expose-gc` is on, so
 * `deploy/measure-memory.ts` can record the post-GC heap next to the RSS. A no-op without an IPC
 * channel (in a container); it does not keep the process alive.
 */
export function answerMemoryReports(): void {
  if (process.send === undefined) return;
  process.on('message', (msg: { type?: unknown } | null) => {
    if (msg?.type !== 'memory-report') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc === 'function') gc();
    const m = process.memoryUsage();
    const report: MemoryReport = { type: 'memory', gc: typeof gc === 'function', rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
    process.send?.(report);
  });
  // a 'message' listener refs the channel: unref it explicitly so it never holds the exit
  process.channel?.unref();
}
