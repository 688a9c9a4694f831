/**
 * The image installs production dependencies only (`npm ci --omit=dev`). This checks, without
 * building the image, that they are enough: every package imported at runtime by the services
 * and the podkit packages they run on is in the production tree npm computes from the lockfile
 * (`npm ls --omit=dev`, the same tree `npm ci --omit=dev` installs).
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { exampleDir, repoRoot } from './load.ts';

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return tsFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') && !full.endsWith('.d.ts') ? [full] : [];
  });
}

/** Package names of the value imports (not `import type`) of a file. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const names: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gm)) {
    const spec = m[1] ?? m[2]!;
    if (spec.startsWith('.') || spec.startsWith('node:')) continue;
    names.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return names;
}

it('every package the services import at runtime is a production dependency', () => {
  let out: string;
  try {
    out = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    // npm ls exits non-zero on peer range warnings; its output is still the tree.
    out = (err as { stdout?: string }).stdout ?? '';
  }
  const installed = new Set(
    out
      .split('\n')
      .filter((l) => l.includes('node_modules/'))
      .map((l) => l.slice(l.lastIndexOf('node_modules/') + 'node_modules/'.length)),
  );
  expect(installed.size).toBeGreaterThan(20);
  const sources = [
    ...tsFiles(path.join(exampleDir, 'src')),
    ...['config', 'core', 'http', 'otel'].flatMap((p) => tsFiles(path.join(repoRoot, 'packages', p, 'src'))),
  ];
  const missing = new Map<string, string>();
  for (const file of sources) {
    for (const name of runtimeImports(file)) if (!installed.has(name)) missing.set(name, path.relative(repoRoot, file));
  }
  expect(Object.fromEntries(missing), 'imported at runtime but not installed by npm ci --omit=dev').toEqual({});
});
