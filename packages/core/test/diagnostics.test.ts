import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnostics, createLogger, DiagnosticsBusyError, DiagnosticsDirectoryError, DiagnosticsSpaceError, InvalidOptionError } from '../src/index.ts';
import type { DiagnosticsProcess, StatFs } from '../src/index.ts';
import { capture } from './helpers/capture.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'podkit-diag-'));
  dirs.push(d);
  return d;
}

class FakeProcess extends EventEmitter implements DiagnosticsProcess {
  readonly pid = 4242;
  readonly execArgv: string[];
  readonly env: NodeJS.ProcessEnv;
  constructor(execArgv: string[] = [], env: NodeJS.ProcessEnv = {}) {
    super();
    this.execArgv = execArgv;
    this.env = env;
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const plenty: StatFs = { bavail: 1e9, bsize: 4096 };

describe('createDiagnostics: options', () => {
  it('refuses a missing directory, a file, and an empty path at creation', () => {
    const dir = tempDir();
    expect(() => createDiagnostics({ directory: path.join(dir, 'nope') })).toThrow(DiagnosticsDirectoryError);
    expect(() => createDiagnostics({ directory: path.join(dir, 'nope') })).toThrow(/nope: does not exist \(mount a volume there\)/);
    writeFileSync(path.join(dir, 'file'), '');
    expect(() => createDiagnostics({ directory: path.join(dir, 'file') })).toThrow(/file: is not a directory/);
    expect(() => createDiagnostics({ directory: '' })).toThrow(InvalidOptionError);
  });

  it('accepts SIGUSR2 and SIGHUP only, and not a signal Node already answers with a diagnostic', () => {
    const directory = tempDir();
    const proc = new FakeProcess();
    expect(() => createDiagnostics({ directory, process: proc, signal: 'SIGUSR1' as never })).toThrow(/signal: .*SIGUSR1 starts the Node.js inspector/);
    expect(() => createDiagnostics({ directory, process: proc, signal: 'SIGTERM' as never })).toThrow(InvalidOptionError);
    expect(() => createDiagnostics({ directory, process: new FakeProcess(['--heapsnapshot-signal=SIGUSR2']), signal: 'SIGUSR2' })).toThrow(
      /SIGUSR2 is already Node's --heapsnapshot-signal/,
    );
    expect(() => createDiagnostics({ directory, process: new FakeProcess([], { NODE_OPTIONS: '--report-on-signal' }), signal: 'SIGUSR2' })).toThrow(
      /--report-on-signal/,
    );
    const reportOnHup = new FakeProcess(['--report-on-signal', '--report-signal', 'SIGHUP']);
    expect(() => createDiagnostics({ directory, process: reportOnHup, signal: 'SIGHUP' })).toThrow(/--report-on-signal/);
    expect(() => createDiagnostics({ directory, process: reportOnHup, signal: 'SIGUSR2' })).not.toThrow();
    // process.report.reportOnSignal set at run time (no flag)
    const runtime = Object.assign(new FakeProcess(), { report: { reportOnSignal: true, signal: 'SIGUSR2' } });
    expect(() => createDiagnostics({ directory, process: runtime, signal: 'SIGUSR2' })).toThrow(/already makes Node write a report/);
  });

  it('installs nothing until start(), only with a signal, and removes it on close()', () => {
    const directory = tempDir();
    const off = new FakeProcess();
    createDiagnostics({ directory, process: off }).start();
    expect(off.eventNames()).toEqual([]);
    const proc = new FakeProcess();
    const diagnostics = createDiagnostics({ directory, process: proc, signal: 'SIGUSR2' });
    expect(proc.listenerCount('SIGUSR2')).toBe(0);
    diagnostics.start();
    diagnostics.start();
    expect(proc.listenerCount('SIGUSR2')).toBe(1);
    diagnostics.close();
    expect(proc.eventNames()).toEqual([]);
  });
});

describe('createDiagnostics: writing', () => {
  it('writes a report without environment variables, secrets masked, mode 0600, and logs its path', async () => {
    const directory = tempDir();
    const secret = 'diag-secret-value-4711';
    process.env.PODKIT_DIAG_TEST_SECRET = secret;
    const out = capture();
    const logger = createLogger({ service: { name: 't', version: '0' }, destination: out, async: false });
    try {
      const diagnostics = createDiagnostics({ directory, logger, redactValues: () => [process.cwd()], now: () => Date.UTC(2026, 0, 2, 3, 4, 5, 6) });
      const file = await diagnostics.writeReport();
      expect(file).toMatchObject({ kind: 'report', path: path.join(directory, `report-20260102T030405.006Z-${String(process.pid)}-1.json`) });
      const text = readFileSync(file.path, 'utf8');
      expect(file.bytes).toBe(Buffer.byteLength(text));
      expect(text).not.toContain(secret);
      const report = JSON.parse(text) as { header: { cwd: string }; environmentVariables: unknown };
      expect(report.environmentVariables).toMatch(/removed by podkit/);
      expect(report.header.cwd).toBe('[redacted]');
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
      expect(readdirSync(directory)).toEqual([path.basename(file.path)]);
      const line = await out.waitFor((l) => l.msg === `report written to ${file.path}`);
      expect(line).toMatchObject({ component: 'diagnostics', kind: 'report', path: file.path });
    } finally {
      delete process.env.PODKIT_DIAG_TEST_SECRET;
    }
  });

  it('refuses a heap snapshot when the directory has less free space than twice the heap, writing nothing', async () => {
    const directory = tempDir();
    const asked: string[] = [];
    const statfs = (p: string): Promise<StatFs> => (asked.push(p), Promise.resolve({ bavail: 2560, bsize: 4096 })); // 10 MiB
    const diagnostics = createDiagnostics({ directory, statfs });
    const error = await diagnostics.writeHeapSnapshot().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiagnosticsSpaceError);
    expect(error).toMatchObject({ code: 'ERR_PODKIT_DIAGNOSTICS_SPACE', directory, availableBytes: 10 * 1048576 });
    expect((error as DiagnosticsSpaceError).requiredBytes).toBeGreaterThan(10 * 1048576);
    expect((error as Error).message).toMatch(/^not writing a heap-snapshot: .* has 10\.0 MiB free, it needs \d+\.\d MiB/);
    expect(asked).toEqual([directory]);
    expect(readdirSync(directory)).toEqual([]);
    // a report needs 1 MiB: it still fits
    await expect(diagnostics.writeReport()).resolves.toMatchObject({ kind: 'report' });
  });

  it('writes one diagnostic at a time: a second request while one is in progress is refused', async () => {
    const directory = tempDir();
    const gate = deferred<StatFs>();
    const diagnostics = createDiagnostics({ directory, statfs: () => gate.promise });
    const first = diagnostics.writeReport();
    expect(diagnostics.writing).toBe('report');
    await expect(diagnostics.writeHeapSnapshot()).rejects.toThrow(DiagnosticsBusyError);
    await expect(diagnostics.writeReport()).rejects.toThrow(/not writing a report: a report is being written/);
    gate.resolve(plenty);
    await expect(first).resolves.toMatchObject({ kind: 'report' });
    expect(diagnostics.writing).toBeUndefined();
    expect(readdirSync(directory)).toHaveLength(1);
  });

  it('writes what the signal asks for on the injected process', async () => {
    const directory = tempDir();
    const proc = new FakeProcess();
    const out = capture();
    const logger = createLogger({ service: { name: 't', version: '0' }, destination: out, async: false });
    const diagnostics = createDiagnostics({ directory, logger, process: proc, signal: 'SIGHUP', signalWrites: ['report'] });
    diagnostics.start();
    proc.emit('SIGHUP');
    const line = await out.waitFor((l) => typeof l.msg === 'string' && l.msg.startsWith('report written to '));
    expect(readdirSync(directory)).toEqual([path.basename(line.path as string)]);
    diagnostics.close();
  });
});

describe('createDiagnostics: a real process and a real signal', () => {
  it('SIGUSR2 writes a report and a heap snapshot that parses as JSON; the process keeps running', async () => {
    const directory = tempDir();
    const fixture = fileURLToPath(new URL('./fixtures/diagnostics-signal.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@podkit/source', fixture, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const lines: Record<string, unknown>[] = [];
      const seen = (msg: (m: string) => boolean): Promise<Record<string, unknown>> =>
        new Promise((resolve, reject) => {
          const look = (): boolean => {
            const found = lines.find((l) => msg(String(l.msg)));
            if (found) resolve(found);
            return found !== undefined;
          };
          if (look()) return;
          child.stdout.on('data', () => void look());
          child.on('exit', (code) => reject(new Error(`fixture exited (${String(code)})`)));
        });
      let buffer = '';
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
          buffer = buffer.slice(nl + 1);
        }
      });
      await seen((m) => m === 'fixture ready');
      child.kill('SIGUSR2');
      const report = await seen((m) => m.startsWith('report written to '));
      const heap = await seen((m) => m.startsWith('heap-snapshot written to '));
      expect(report.path).toMatch(new RegExp(`/report-\\d{8}T\\d{6}\\.\\d{3}Z-${String(child.pid)}-1\\.json$`));
      expect(heap.path).toMatch(/\/heap-.*-2\.heapsnapshot$/);
      const snapshot = JSON.parse(readFileSync(heap.path as string, 'utf8')) as { snapshot: { meta: { node_fields: string[] } }; nodes: number[] };
      expect(snapshot.snapshot.meta.node_fields).toContain('name');
      expect(snapshot.nodes.length).toBeGreaterThan(0);
      expect(heap.bytes).toBe(statSync(heap.path as string).size);
      expect(child.exitCode).toBeNull();
      expect(readdirSync(directory).sort()).toEqual([path.basename(heap.path as string), path.basename(report.path as string)].sort());
    } finally {
      child.kill('SIGKILL');
    }
  });
});
