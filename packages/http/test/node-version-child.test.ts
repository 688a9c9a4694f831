/**
 * Importing a built podkit package on a Node.js older than it supports fails with a message naming
 * the versions, not with a dependency's internal error (undici 8 on Node 20: "Cannot read
 * properties of undefined (reading 'bind')"). Runs the old Node.js in a child process on the
 * packages' dist, built first (`tsc -b` is a no-op when CI has built them). The old Node.js is
 * `PODKIT_OLD_NODE` or /usr/bin/node when that is older than 22.12; skips with a message otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const candidate = process.env.PODKIT_OLD_NODE ?? '/usr/bin/node';
const version = existsSync(candidate) ? spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
const major = Number(/^v(\d+)\./.exec(version)?.[1] ?? Number.NaN);
const old = major < 22;
if (!old) console.warn(`no Node.js older than 22 at ${candidate} (${version || 'missing'}): skipping the old-Node import test (set PODKIT_OLD_NODE)`);

const PACKAGES = [
  ['config', 'ERR_PODKIT_CONFIG_NODE_VERSION', '22.12.0'],
  ['core', 'ERR_PODKIT_NODE_VERSION', '22.12.0'],
  ['http', 'ERR_PODKIT_HTTP_NODE_VERSION', '22.19.0'],
] as const;

describe.skipIf(!old)(`importing a built package on ${version}`, () => {
  beforeAll(() => {
    const tsc = spawnSync(process.execPath, [fileURLToPath(import.meta.resolve('typescript/bin/tsc')), '-b', 'tsconfig.build.json'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).toBe(0);
  }, 240_000);

  it.each(PACKAGES)('@podkit/%s fails with %s naming Node.js >= %s', (name, code, required) => {
    const entry = pathToFileURL(`${root}packages/${name}/dist/index.js`).href;
    // A static import, as an application's entry point would have it.
    const child = spawnSync(candidate, ['--input-type=module', '-e', `import ${JSON.stringify(entry)};`], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain(`@podkit/${name} requires Node.js >= ${required} (running ${version}); upgrade Node.js`);
    expect(child.stderr).toContain(`code: '${code}'`);
    expect(child.stderr).not.toMatch(/undici|reading 'bind'|node_modules/);
  });
});
