import { accessSync, constants, statSync } from 'node:fs';
import { statfs as fsStatfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import type { Logger } from 'pino';
import { buildReport } from './diagnostics/report.ts';
import { ensureFreeSpace } from './diagnostics/free-space.ts';
import { writePrivately } from './diagnostics/private-file.ts';
import { checkSignal } from './diagnostics/signal.ts';
import type { DiagnosticFile, DiagnosticKind, DiagnosticsProcess, DiagnosticsSignal, StatFs } from './diagnostics/types.ts';
import { DiagnosticsBusyError, DiagnosticsDirectoryError, InvalidOptionError, isPodkitError } from './errors.ts';
import { textRedactor } from './logging/redaction.ts';

export type { DiagnosticFile, DiagnosticKind, DiagnosticsProcess, DiagnosticsSignal, StatFs } from './diagnostics/types.ts';

/** Free space a report needs (reports are 20–200 KiB). */
const REPORT_SPACE_BYTES = 1024 * 1024;
/** Free space a heap snapshot needs, per byte of V8 heap in use (files measured 0.7–1.9×). */
const HEAP_SPACE_FACTOR = 2;

/** Options of {@link createDiagnostics}. */
export interface DiagnosticsOptions {
  /**
   * Directory the files are written to: an existing, writable directory (checked now). In
   * Kubernetes, a volume of its own sized for a heap snapshot (see `docs/diagnostics.md`).
   */
  readonly directory: string;
  /** Logs each file written (its path) and each refusal. @default undefined (silent) */
  readonly logger?: Logger;
  /**
   * Signal that writes {@link DiagnosticsOptions.signalWrites} once `start()` has run. Off by
   * default: SIGUSR2 is also what Node's `--heapsnapshot-signal` and `--report-on-signal`
   * commonly use (refused if either flag names the same signal) and what nodemon restarts on;
   * SIGUSR1 (the inspector) is never accepted.
   * @default false
   */
  readonly signal?: DiagnosticsSignal | false;
  /** What the signal writes, in order. @default ['report', 'heap-snapshot'] */
  readonly signalWrites?: readonly DiagnosticKind[];
  /**
   * Secret values masked in the report (the logger's `redactValues` source). The report never
   * carries the environment variables. A heap snapshot holds every string in memory, secrets
   * included: treat the file as a secret.
   * @default undefined
   */
  readonly redactValues?: () => Iterable<string>;
  /** Where the signal listener goes and the Node flags are read. @default process */
  readonly process?: DiagnosticsProcess;
  /** Free-space source. @default fs.promises.statfs */
  readonly statfs?: (path: string) => Promise<StatFs>;
  /** Clock for file names. @default Date.now */
  readonly now?: () => number;
}

/** Heap snapshots and diagnostic reports on demand: a method call, a signal, or `serve()`'s admin port. */
export interface Diagnostics {
  /** The directory files are written to (absolute). */
  readonly directory: string;
  /** The kind being written now, if any (one at a time). */
  readonly writing: DiagnosticKind | undefined;
  /**
   * Writes a V8 heap snapshot (`heap-<time>-<pid>-<n>.heapsnapshot`, Chrome DevTools' format),
   * after checking the directory has twice the heap in use free. Blocks the event loop while V8
   * takes it (seconds for a large heap) and needs native memory several times the heap.
   * @throws DiagnosticsSpaceError, DiagnosticsBusyError, DiagnosticsDirectoryError
   */
  writeHeapSnapshot(): Promise<DiagnosticFile>;
  /**
   * Writes a Node.js diagnostic report (`report-<time>-<pid>-<n>.json`) without environment
   * variables and with secret values masked.
   * @throws DiagnosticsSpaceError, DiagnosticsBusyError, DiagnosticsDirectoryError
   */
  writeReport(): Promise<DiagnosticFile>;
  /** Writes one diagnostic by kind. */
  write(kind: DiagnosticKind): Promise<DiagnosticFile>;
  /** Installs the signal listener when `signal` is set. Idempotent. */
  start(): void;
  /** Removes the signal listener. Idempotent. */
  close(): void;
}

/**
 * Creates the diagnostics of one process. Nothing is installed until `start()`, and then only a
 * listener for the configured `signal` (none by default). The directory is checked now, so a
 * missing volume fails at startup rather than when the heap snapshot is needed.
 *
 * @example
 * ```ts
 * const diagnostics = createDiagnostics({ directory: '/diagnostics', logger, signal: 'SIGUSR2' });
 * diagnostics.start();                  // kill -USR2 <pid>: a report, then a heap snapshot
 * await serve(service, router, { port: 8080, adminPort: 9090, diagnostics }); // POST /debug/heap-snapshot
 * ```
 */
export function createDiagnostics(options: DiagnosticsOptions): Diagnostics {
  const proc = options.process ?? process;
  const directory = checkDirectory(options.directory);
  const signal = checkSignal(options.signal, proc);
  const signalWrites = options.signalWrites ?? ['report', 'heap-snapshot'];
  for (const kind of signalWrites as readonly string[]) {
    if (kind !== 'report' && kind !== 'heap-snapshot') throw new InvalidOptionError('signalWrites', `expected 'report' or 'heap-snapshot', got ${JSON.stringify(kind)}`);
  }
  const statfs = options.statfs ?? ((p: string): Promise<StatFs> => fsStatfs(p));
  const now = options.now ?? Date.now;
  const redact = options.redactValues === undefined ? (text: string): string => text : textRedactor(options.redactValues);
  const log = options.logger?.child({ component: 'diagnostics' });
  let writing: DiagnosticKind | undefined;
  let sequence = 0;
  let removeListener: (() => void) | undefined;

  function fileName(kind: DiagnosticKind): string {
    const stamp = new Date(now()).toISOString().replace(/[-:]/g, '');
    sequence++;
    return kind === 'heap-snapshot' ? `heap-${stamp}-${String(proc.pid)}-${String(sequence)}.heapsnapshot` : `report-${stamp}-${String(proc.pid)}-${String(sequence)}.json`;
  }

  async function write(kind: DiagnosticKind): Promise<DiagnosticFile> {
    if (writing !== undefined) throw new DiagnosticsBusyError(kind, writing);
    writing = kind;
    const started = performance.now();
    try {
      const required = kind === 'heap-snapshot' ? getHeapStatistics().used_heap_size * HEAP_SPACE_FACTOR : REPORT_SPACE_BYTES;
      await ensureFreeSpace(kind, directory, required, statfs);
      const name = fileName(kind);
      const bytes = await writePrivately(directory, name, (file) =>
        kind === 'heap-snapshot' ? void writeHeapSnapshot(file) : writeFile(file, buildReport(redact), { mode: 0o600 }),
      ).catch((err: unknown) => {
        throw new DiagnosticsDirectoryError(directory, `writing the ${kind} failed (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
      });
      const file: DiagnosticFile = { kind, path: path.join(directory, name), bytes, durationMs: Math.round(performance.now() - started) };
      log?.info(file, `${kind} written to ${file.path}`);
      return file;
    } catch (err) {
      log?.warn({ kind, err: isPodkitError(err) ? { code: err.code, message: err.message } : err }, `${kind} not written`);
      throw err;
    } finally {
      writing = undefined;
    }
  }

  async function onSignal(): Promise<void> {
    log?.info({ signal, writes: signalWrites }, `received ${String(signal)}: writing diagnostics`);
    for (const kind of signalWrites) await write(kind).catch(() => undefined); // logged by write()
  }

  return {
    directory,
    get writing() {
      return writing;
    },
    writeHeapSnapshot: () => write('heap-snapshot'),
    writeReport: () => write('report'),
    write(kind: DiagnosticKind): Promise<DiagnosticFile> {
      if (kind !== 'report' && kind !== 'heap-snapshot') return Promise.reject(new InvalidOptionError('kind', `expected 'report' or 'heap-snapshot', got ${JSON.stringify(kind)}`));
      return write(kind);
    },
    start(): void {
      if (signal === undefined || removeListener !== undefined) return;
      const listener = (): void => void onSignal();
      proc.on(signal, listener);
      removeListener = () => proc.off(signal, listener);
      log?.debug({ signal, directory }, 'diagnostics signal listener installed');
    },
    close(): void {
      removeListener?.();
      removeListener = undefined;
    },
  };
}

function checkDirectory(directory: unknown): string {
  if (typeof directory !== 'string' || directory === '') throw new InvalidOptionError('directory', `must be a directory path, got ${JSON.stringify(directory)}`);
  const absolute = path.resolve(directory);
  try {
    if (!statSync(absolute).isDirectory()) throw new DiagnosticsDirectoryError(absolute, 'is not a directory');
    accessSync(absolute, constants.W_OK);
  } catch (err) {
    if (err instanceof DiagnosticsDirectoryError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'does not exist (mount a volume there)' : `is not writable (${code ?? String(err)})`;
    throw new DiagnosticsDirectoryError(absolute, reason, { cause: err });
  }
  return absolute;
}
