// docs/testing.md's complete example is the code that runs: its files (code blocks tagged
// `file=<name>`) are written into a scratch project outside the repository that installs the
// packages from `npm pack` tarballs (plus express and vitest from npm's cache), and its vitest
// test runs there on this Node.js.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const doc = readFileSync(join(root, 'docs/testing.md'), 'utf8');
const files = [...doc.matchAll(/^```\w+ file=(\S+)\n([\s\S]*?)^```$/gm)].map((m) => ({ name: m[1]!, text: m[2]! }));
const scratch = mkdtempSync(join(tmpdir(), 'podkit-testing-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string): string => execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe("docs/testing.md's example, from the packed tarballs", () => {
  it('has the three files of the example', () => {
    expect(files.map((f) => f.name)).toEqual(['service.ts', 'deployment.yaml', 'rollout.test.ts']);
    expect(files[0]!.text.trim().split('\n').length).toBeLessThanOrEqual(20);
  });

  it('passes in a scratch project that installs @podkit/* from npm pack', { timeout: 240_000 }, () => {
    run(join(root, 'node_modules/.bin/tsc'), ['-b', 'tsconfig.build.json'], root);
    const tarballs: Record<string, string> = {};
    for (const pkg of ['config', 'core', 'http', 'testing']) {
      const out = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', scratch], join(root, 'packages', pkg));
      const [packed] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
      tarballs[`@podkit/${pkg}`] = `file:${join(scratch, packed!.filename)}`;
    }
    const versions = (name: string): string => (JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch-orders', private: true, type: 'module', dependencies: { ...tarballs, express: versions('express') }, devDependencies: { vitest: versions('vitest') } }, null, 2),
    );
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], scratch);
    for (const f of files) writeFileSync(join(scratch, f.name), f.text);
    const r = spawnSync(process.execPath, [join(scratch, 'node_modules/vitest/vitest.mjs'), 'run', 'rollout.test.ts'], {
      cwd: scratch,
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, VITEST: undefined, VITEST_POOL_ID: undefined, VITEST_WORKER_ID: undefined, NODE_OPTIONS: undefined },
    });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/1 passed/);
  });
});
