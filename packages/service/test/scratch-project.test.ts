/**
 * The release check of the service entry point, as a user meets it: the four packages packed
 * with `npm pack` (their `prepack` builds them), installed from the tarballs into a scratch
 * directory outside the repository, and the files of docs/getting-started.md Part 2 saved there
 * verbatim. The service then runs as a process (Node resolves the packages' `dist/`, no source
 * condition): it starts, serves, applies a `log.level` change from a kubelet-style `..data` swap
 * of its ConfigMap directory, exports its spans to an OTLP/HTTP receiver (the test's) when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and exits 0 on SIGTERM.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PACKAGES } from '../../../scripts/packages/fresh-pack.ts';
import { installScratch } from '../../../scripts/packages/scratch-install.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../../otel/test/helpers/otlp-receiver.ts';
import { KubeletVolume } from './helpers/kubelet.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const guide = readFileSync(path.join(repoRoot, 'docs', 'getting-started.md'), 'utf8');
const PART_2 = ['config.ts', 'routes.ts', 'main.ts'];

/** The "Save this as `name`:" blocks of the guide's Part 2, verbatim. */
function part2Files(): Map<string, string> {
  const files = new Map<string, string>();
  const part2 = guide.slice(guide.indexOf('## Part 2'));
  for (const m of part2.matchAll(/Save this as `([^`]+)`[^\n]*\n(?:[^\n]*\n)*?```(?:ts|js)\n([\s\S]*?)```/g)) files.set(m[1]!, m[2]!);
  return files;
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

let out: string;
let scratch: string;
let receiver: OtlpReceiver;
let child: ChildProcess | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  out = mkdtempSync(path.join(tmpdir(), 'podkit-service-pack-'));
  scratch = mkdtempSync(path.join(tmpdir(), 'podkit-service-scratch-'));
  const npm = { encoding: 'utf8', stdio: 'pipe' } as const;
  const tarballs: Record<string, string> = {};
  for (const dir of PACKAGES) {
    const json = execFileSync('npm', ['pack', '--json', '--pack-destination', out], { ...npm, cwd: path.join(repoRoot, dir) });
    const [result] = JSON.parse(json.slice(json.indexOf('['))) as Array<{ name: string; filename: string }>;
    tarballs[result!.name] = path.join(out, result!.filename);
  }
  expect(Object.keys(tarballs)).toContain('@podkit/service');
  installScratch(scratch, tarballs);
  for (const [name, text] of part2Files()) writeFileSync(path.join(scratch, name), text);
}, 180_000);

afterAll(async () => {
  if (child !== undefined && child.exitCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
  await receiver.close();
  rmSync(out, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

describe('docs Part 2 against the npm pack tarballs', () => {
  it('the guide saves config.ts, routes.ts and main.ts in Part 2', () => {
    expect([...part2Files().keys()].sort()).toEqual([...PART_2].sort());
  });

  it('starts, serves, reloads log.level on a ..data swap, exports spans over OTLP, and exits 0 on SIGTERM', async () => {
    const volume = new KubeletVolume({ 'log.level': 'info' });
    try {
      const port = await freePort();
      const proc = spawn(process.execPath, ['main.ts'], {
        cwd: scratch,
        env: { PATH: process.env.PATH ?? '', API_KEY: 'dev-key-123', PORT: String(port), QUOTES_URL: 'http://127.0.0.1:1', PODKIT_CONFIG_DIR: volume.dir, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      const lines: Array<Record<string, unknown>> = [];
      let stderr = '';
      proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = once(proc, 'exit') as Promise<[number | null]>;
      const waiters: Array<{ test: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
      createInterface({ input: proc.stdout }).on('line', (text) => {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const w of waiters.filter((w) => w.test(line))) w.resolve(line);
      });
      const waitFor = (test: (l: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> =>
        Promise.race([
          new Promise<Record<string, unknown>>((resolve) => {
            const found = lines.find(test);
            if (found) resolve(found);
            else waiters.push({ test, resolve });
          }),
          exited.then(([code]) => {
            throw new Error(`main.ts exited (${String(code)}):\n${lines.map((l) => JSON.stringify(l)).join('\n')}\n${stderr}`);
          }),
        ]);
      const url = `http://127.0.0.1:${port}`;

      await waitFor((l) => l.msg === 'service ready');
      expect(lines.find((l) => l.msg === 'http server listening')).toBeDefined();
      const hello = await fetch(`${url}/greet/Ada?lang=fr`, { headers: { 'x-request-id': 'before-reload' } });
      expect(await hello.json()).toEqual({ message: 'Bonjour, Ada !' });
      await waitFor((l) => l.request_id === 'before-reload' && l.msg === 'greeting');

      volume.update({ 'log.level': 'warn' });
      expect(await waitFor((l) => l.msg === 'configuration reloaded')).toMatchObject({ changed: ['log.level'], restartRequired: [] });
      expect((await fetch(`${url}/greet/Bob`, { headers: { 'x-request-id': 'after-reload' } })).status).toBe(200);
      // a warn line after the info ones: once it is out, an info line of `after-reload` would be too
      expect((await fetch(`${url}/quote-of-the-day`, { headers: { 'x-request-id': 'warn-line' } })).status).toBe(503);
      await waitFor((l) => l.request_id === 'warn-line' && l.msg === 'quotes service unavailable');
      expect(lines.filter((l) => l.request_id === 'after-reload')).toEqual([]);
      expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/^podkit_config_reloads_total\{[^}]*result="success"[^}]*\} 1$/m);

      proc.kill('SIGTERM');
      const [code] = await exited;
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      // at log.level warn the shutdown's info lines are off: the exit status tells it went well
      expect(JSON.stringify(lines)).not.toContain('dev-key-123');
      // the telemetry hook flushed the spans: the greeting's server span, with its trace id in the log
      const greeting = lines.find((l) => l.request_id === 'before-reload' && l.msg === 'greeting');
      const spans = receiver.spans.filter((sp) => sp.traceId === greeting?.trace_id);
      expect(spans.map((sp) => [sp.kind, sp.serviceName])).toContainEqual([2, 'greeter']);
    } finally {
      volume.remove();
    }
  }, 60_000);
});
