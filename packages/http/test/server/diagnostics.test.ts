import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDiagnostics } from '@podkit/core';
import type { StatFs } from '@podkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpOptionsError, createRouter, serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { runFixture } from './helpers/child.ts';
import type { ChildService } from './helpers/child.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function tempDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'podkit-http-diag-'));
  cleanups.push(() => rmSync(d, { recursive: true, force: true }));
  return d;
}
async function served(statfs?: (p: string) => Promise<StatFs>): Promise<{ server: PodkitServer; directory: string; lines: { msg: string }[] }> {
  const directory = tempDir();
  const { service, lines } = createTestService();
  const diagnostics = createDiagnostics({ directory, logger: service.logger, ...(statfs === undefined ? {} : { statfs }) });
  const server = await serve(service, createRouter(), { port: 0, host: '127.0.0.1', adminPort: 0, adminHost: '127.0.0.1', diagnostics });
  cleanups.push(() => server.close(1000));
  return { server, directory, lines };
}

describe('serve({ diagnostics })', () => {
  it('requires an admin port: never on the main port', async () => {
    const { service } = createTestService();
    const diagnostics = createDiagnostics({ directory: tempDir() });
    await expect(serve(service, createRouter(), { port: 0, diagnostics })).rejects.toThrow(HttpOptionsError);
    await expect(serve(service, createRouter(), { port: 0, diagnostics })).rejects.toThrow(
      'invalid option "diagnostics": requires adminPort: heap snapshots and reports are never served on the main port',
    );
  });

  it('POST /debug/report on the admin port writes the file and names it; the main port answers 404', async () => {
    const { server, directory, lines } = await served();
    const res = await send(server.adminPort!, { method: 'POST', path: '/debug/report' });
    expect(res.status).toBe(201);
    const body = res.json() as { kind: string; path: string; bytes: number; durationMs: number };
    expect(body).toMatchObject({ kind: 'report' });
    expect(path.dirname(body.path)).toBe(directory);
    expect(body.bytes).toBe(statSync(body.path).size);
    expect(Object.keys(body).sort()).toEqual(['bytes', 'durationMs', 'kind', 'path']); // the file's name, never its content
    expect(lines.some((l) => l.msg === `report written to ${body.path}`)).toBe(true);

    for (const p of ['/debug/report', '/debug/heap-snapshot', '/debug/heap-snapshot?x=1']) {
      const main = await send(server.port, { method: 'POST', path: p });
      expect(main.status).toBe(404);
      expect(main.headers['content-type']).toBe('application/problem+json');
    }
    expect(readdirSync(directory)).toEqual([path.basename(body.path)]);
  });

  it('answers 405 to a GET, with Allow: POST, writing nothing', async () => {
    const { server, directory } = await served();
    const res = await send(server.adminPort!, { path: '/debug/heap-snapshot' });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.json()).toMatchObject({ status: 405, detail: 'GET is not allowed on /debug/heap-snapshot; allowed: POST (it writes a heap-snapshot file)' });
    expect(readdirSync(directory)).toEqual([]);
  });

  it('answers 409 to a second request while one is being written', async () => {
    let release!: (s: StatFs) => void;
    const gate = new Promise<StatFs>((resolve) => (release = resolve));
    let asked!: () => void;
    const statfsCalled = new Promise<void>((resolve) => (asked = resolve));
    const { server, directory } = await served(() => (asked(), gate));
    const first = send(server.adminPort!, { method: 'POST', path: '/debug/report' });
    await statfsCalled; // the first one is in progress
    const second = await send(server.adminPort!, { method: 'POST', path: '/debug/heap-snapshot' });
    expect(second.status).toBe(409);
    expect(second.json()).toMatchObject({ status: 409, detail: 'not writing a heap-snapshot: a report is being written; retry when it is done' });
    release({ bavail: 1e9, bsize: 4096 });
    expect((await first).status).toBe(201);
    expect(readdirSync(directory)).toHaveLength(1);
  });

  it('answers 507 when the directory lacks the space, naming free and needed, writing nothing', async () => {
    const { server, directory } = await served(() => Promise.resolve({ bavail: 256, bsize: 4096 })); // 1 MiB
    const res = await send(server.adminPort!, { method: 'POST', path: '/debug/heap-snapshot' });
    expect(res.status).toBe(507);
    const detail = (res.json() as { detail: string }).detail;
    expect(detail).toMatch(new RegExp(`^not writing a heap-snapshot: ${directory} has 1\\.0 MiB free, it needs \\d+\\.\\d MiB`));
    expect(readdirSync(directory)).toEqual([]);
  });

  describe('in a small real process', () => {
    let child: ChildService | undefined;
    afterEach(() => {
      child?.child.kill('SIGKILL');
      child = undefined;
    });

    it('POST /debug/heap-snapshot writes a heap snapshot that parses as JSON; the main port refuses it', async () => {
      const directory = tempDir();
      child = runFixture(fileURLToPath(new URL('./fixtures/diagnostics-service.ts', import.meta.url)), { DIAG_DIR: directory });
      const ready = (await child.next('ready')) as { port: number; adminPort: number };
      expect((await send(ready.port, { method: 'POST', path: '/debug/heap-snapshot' })).status).toBe(404);
      expect(readdirSync(directory)).toEqual([]);

      const res = await send(ready.adminPort, { method: 'POST', path: '/debug/heap-snapshot' });
      expect(res.status).toBe(201);
      const file = res.json() as { kind: string; path: string; bytes: number };
      expect(file.kind).toBe('heap-snapshot');
      expect(file.path).toMatch(new RegExp(`^${directory}/heap-\\d{8}T\\d{6}\\.\\d{3}Z-${String(child.child.pid)}-1\\.heapsnapshot$`));
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
      const snapshot = JSON.parse(readFileSync(file.path, 'utf8')) as { snapshot: { node_count: number }; strings: string[] };
      expect(snapshot.snapshot.node_count).toBeGreaterThan(0);
      expect(snapshot.strings).toContain('diagnostics-fixture');
      expect(res.text).not.toContain('"nodes"'); // the answer names the file, not its content
      expect((await child.next('heap-snapshot written to ' + file.path)).path).toBe(file.path);
    });
  });
});
