/**
 * What importing `@podkit/http` loads: each module is RSS in every process of every service, so
 * the package leaves out what a service may never use (MEASUREMENTS.md of the example, third
 * round). Checked in a fresh child process, since this one has loaded everything already.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { Pool, errors } from '../src/client/undici-parts.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Imports `@podkit/http` (its sources), runs `then`, and reports the npm files and Node's own modules loaded. */
function loadedBy(then: string): { files: string[]; bundledUndici: boolean } {
  const script = `
    import { createRequire } from 'node:module';
    const http = await import('@podkit/http');
    ${then}
    const files = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/node_modules/')).map((f) => f.replace(/.*\\/node_modules\\//, ''));
    process.stdout.write(JSON.stringify({ files, bundledUndici: process.moduleLoadList.some((m) => m.includes('internal/deps/undici')) }));
  `;
  const child = spawnSync(process.execPath, ['--conditions=@podkit/source', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as { files: string[]; bundledUndici: boolean };
}

describe('importing @podkit/http', () => {
  it("loads undici's Pool and errors but not its index (fetch, WebSocket, the mock and cache agents)", () => {
    const { files } = loadedBy('');
    expect(files).toContain('undici/lib/dispatcher/pool.js');
    expect(files).toContain('undici/lib/core/errors.js');
    expect(files).not.toContain('undici/index.js');
    expect(files.filter((f) => /^undici\/lib\/(web|mock|cache|handler\/cache)/.test(f))).toEqual([]);
  });

  it("does not load Node's bundled undici (node:http's lazy WebSocket getters), even once serving", () => {
    expect(loadedBy('').bundledUndici).toBe(false);
    expect(loadedBy(`http.problem(404); http.createRouter();`).bundledUndici).toBe(false);
  });

  it('loads find-my-way only when a router is created', () => {
    expect(loadedBy('').files.filter((f) => f.startsWith('find-my-way/'))).toEqual([]);
    expect(loadedBy('http.createRouter();').files).toContain('find-my-way/index.js');
  });

  it("takes undici's own Pool and errors (the objects its index exports), so an upgrade that moves them fails here", () => {
    expect(Pool).toBe(undici.Pool);
    expect(errors).toBe(undici.errors);
    expect(new errors.ConnectTimeoutError()).toBeInstanceOf(undici.errors.UndiciError);
  });
});
