/** What the diagnostics write: a V8 heap snapshot or a Node.js diagnostic report. */
export type DiagnosticKind = 'heap-snapshot' | 'report';

/** A diagnostic file that was written. */
export interface DiagnosticFile {
  /** What was written. */
  readonly kind: DiagnosticKind;
  /** Absolute path of the file (readable by the process's user only, mode 0600). */
  readonly path: string;
  /** Size of the file in bytes. */
  readonly bytes: number;
  /** Time taken, in milliseconds (a heap snapshot blocks the event loop for most of it). */
  readonly durationMs: number;
}

/**
 * Signals a diagnostics handler may listen on. SIGUSR1 is not one: Node.js starts the inspector
 * on it. SIGTERM and SIGINT belong to the lifecycle.
 */
export type DiagnosticsSignal = 'SIGUSR2' | 'SIGHUP';

/** The part of `process` the diagnostics read and listen on (injectable for tests). */
export interface DiagnosticsProcess {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  /** Node.js flags of the process (`--heapsnapshot-signal`, `--report-on-signal`). */
  readonly execArgv: readonly string[];
  /** `NODE_OPTIONS` is read for the same flags. */
  readonly env: NodeJS.ProcessEnv;
  /** The process id, part of each file name. */
  readonly pid: number;
  /** Node's report settings (`process.report`): a report-on-signal set at run time is seen too. */
  readonly report?: { readonly reportOnSignal: boolean; readonly signal: string };
}

/** Free space of a filesystem, as `fs.promises.statfs` reports it. */
export interface StatFs {
  /** Free blocks available to an unprivileged user. */
  readonly bavail: number | bigint;
  /** Block size in bytes. */
  readonly bsize: number | bigint;
}
