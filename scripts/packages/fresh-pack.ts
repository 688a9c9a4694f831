/**
 * Packs a workspace package as `npm publish` would from a fresh clone: every package's `dist/`
 * is removed first, so the package's `prepack` script has to build it and the workspace
 * packages it depends on.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

/** The published packages, in dependency order. */
export const PACKAGES: readonly string[] = ['packages/config', 'packages/core', 'packages/http', 'packages/otel', 'packages/service', 'packages/consumers', 'packages/doctor', 'packages/fastify', 'packages/testing'];

/** A packed tarball and the paths it contains. */
export interface Packed {
  readonly dir: string;
  readonly tarball: string;
  readonly files: readonly string[];
}

/** Files every tarball must contain: the entry its `exports` point at. */
const REQUIRED = ['dist/index.js', 'dist/index.d.ts', 'dist/node-version.js', 'package.json'];

/** Removes the build output of every published package (the state of a fresh clone). */
export function removeBuilds(root: string): void {
  for (const dir of PACKAGES) rmSync(join(root, dir, 'dist'), { recursive: true, force: true });
}

/**
 * Removes every build, then runs `npm pack` in `dir` into `out`.
 * @throws Error when the pack fails or the tarball lacks one of the entry files
 */
export function freshPack(root: string, dir: string, out: string): Packed {
  removeBuilds(root);
  const json = execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: join(root, dir),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [result] = JSON.parse(json.slice(json.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
  if (result === undefined) throw new Error(`npm pack in ${dir} printed no result`);
  const files = result.files.map((f) => f.path);
  const missing = REQUIRED.filter((f) => !files.includes(f));
  if (missing.length > 0) throw new Error(`${dir}: the tarball lacks ${missing.join(', ')} (did prepack build it?)`);
  return { dir, tarball: join(out, result.filename), files };
}
