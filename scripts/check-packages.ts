/**
 * Proves each published package installs and types cleanly: packs it exactly as
 * `npm publish` would, then runs publint and @arethetypeswrong/cli on the tarball
 * (ESM consumers and Node 22+ `require(esm)` consumers).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const packages = ['packages/config', 'packages/core', 'packages/http'];
const bin = (name: string): string => join(import.meta.dirname, '..', 'node_modules', '.bin', name);
const out = mkdtempSync(join(tmpdir(), 'podkit-pack-'));
let failed = 0;
try {
  for (const dir of packages) {
    const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
      cwd: join(import.meta.dirname, '..', dir),
      encoding: 'utf8',
    }).trim().split('\n').at(-1) ?? '';
    const tarball = join(out, packed);
    for (const [tool, args] of [
      ['publint', ['run', tarball, '--strict']],
      ['attw', [tarball, '--profile', 'esm-only', '--format', 'table-flipped']],
    ] as const) {
      try {
        execFileSync(bin(tool), [...args], { stdio: 'pipe', encoding: 'utf8' });
        console.log(`ok   ${tool} ${dir}`);
      } catch (error) {
        failed += 1;
        const e = error as { stdout?: string; stderr?: string };
        console.error(`FAIL ${tool} ${dir}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (failed > 0) {
  console.error(`${failed} package check(s) failed`);
  process.exitCode = 1;
}
