/**
 * The repository installs one `@opentelemetry/api`: `npm ls @opentelemetry/api` lists one version,
 * every other occurrence `deduped`. (Before `@podkit/otel`, the example's SDK 2.x packages nested a
 * 1.9.1 copy next to the root's 1.10.0, the split docs/tracing.md tells users to avoid.)
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

interface Tree {
  readonly version?: string;
  readonly path?: string;
  readonly dependencies?: Record<string, Tree>;
}

function copies(tree: Tree, out: Map<string, string>): Map<string, string> {
  for (const [name, dep] of Object.entries(tree.dependencies ?? {})) {
    if (name === '@opentelemetry/api' && dep.version !== undefined) out.set(dep.path ?? dep.version, dep.version);
    copies(dep, out);
  }
  return out;
}

it('npm ls @opentelemetry/api shows one version, installed once', () => {
  let json: string;
  try {
    json = execFileSync('npm', ['ls', '@opentelemetry/api', '--all', '--long', '--json'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch (err) {
    // npm ls exits non-zero on an invalid peer range; its output is still the tree
    json = (err as { stdout?: string }).stdout ?? '{}';
  }
  const found = copies(JSON.parse(json) as Tree, new Map());
  expect([...new Set(found.values())]).toHaveLength(1);
  expect([...found.keys()], 'installed paths').toHaveLength(1);
}, 60_000);
