/**
 * Proves each published package installs, types and runs cleanly, as a user gets it:
 *
 * 1. packs it exactly as `npm publish` would from a fresh clone (every `dist/` removed first, so
 *    the `prepack` script must build the package and the workspace packages it depends on);
 * 2. runs publint and @arethetypeswrong/cli on the tarball (ESM consumers and Node 22+
 *    `require(esm)` consumers);
 * 3. installs the tarballs into a scratch project and runs a first program there with this
 *    Node.js (24, the repository's): import by name, load a config, serve, call, close; and
 *    `podkit doctor` (the installed bin) on the scratch project's own config and Deployment;
 * 4. when a Node.js older than 22 is at `PODKIT_OLD_NODE` or /usr/bin/node, imports each package
 *    with it and expects the error naming the required version.
 *
 * Leaves the builds in place (`tsc -b tsconfig.build.json`) and prints how long each step took.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGES, freshPack } from './packages/fresh-pack.ts';
import type { Packed } from './packages/fresh-pack.ts';
import { checkDoctorInScratch } from './packages/doctor-scratch.ts';
import { SMOKE_MODULE, installScratch, runModule } from './packages/scratch-install.ts';

const root = join(import.meta.dirname, '..');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const out = mkdtempSync(join(tmpdir(), 'podkit-pack-'));
let failed = 0;
const fail = (what: string, detail: string): void => {
  failed += 1;
  console.error(`FAIL ${what}\n${detail}`);
};
const timed = <T>(what: string, step: () => T): T => {
  const start = performance.now();
  try {
    return step();
  } finally {
    console.log(`     ${what}: ${((performance.now() - start) / 1000).toFixed(1)} s`);
  }
};

try {
  const packed: Packed[] = [];
  for (const dir of PACKAGES) {
    try {
      packed.push(timed(`fresh pack ${dir}`, () => freshPack(root, dir, out)));
      console.log(`ok   npm pack ${dir} (from no dist: prepack built it)`);
    } catch (error) {
      const e = error as { message: string; stdout?: string; stderr?: string };
      fail(`npm pack ${dir}`, `${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`);
    }
  }
  for (const { dir, tarball } of packed) {
    for (const [tool, args] of [
      ['publint', ['run', tarball, '--strict']],
      ['attw', [tarball, '--profile', 'esm-only', '--format', 'table-flipped']],
    ] as const) {
      try {
        execFileSync(bin(tool), [...args], { stdio: 'pipe', encoding: 'utf8' });
        console.log(`ok   ${tool} ${dir}`);
      } catch (error) {
        const e = error as { stdout?: string; stderr?: string };
        fail(`${tool} ${dir}`, `${e.stdout ?? ''}${e.stderr ?? ''}`);
      }
    }
  }
  if (packed.length === PACKAGES.length) checkInstalled(packed);
} finally {
  rmSync(out, { recursive: true, force: true });
  // The fresh packs removed the builds; leave the tree built, as `npm run build` would.
  execFileSync(bin('tsc'), ['-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
if (failed > 0) {
  console.error(`${failed} package check(s) failed`);
  process.exitCode = 1;
}

/** Steps 3 and 4: the tarballs installed into a scratch project and imported there. */
function checkInstalled(packed: readonly Packed[]): void {
  const scratch = mkdtempSync(join(tmpdir(), 'podkit-scratch-'));
  try {
    const tarballs = Object.fromEntries(packed.map((p) => [`@podkit/${p.dir.split('/').at(-1) ?? ''}`, p.tarball]));
    try {
      timed('npm install of the tarballs', () => installScratch(scratch, tarballs));
    } catch (error) {
      const e = error as { message: string; stderr?: string };
      fail('npm install of the tarballs into a scratch project', `${e.message}\n${e.stderr ?? ''}`);
      return;
    }
    const smoke = timed(`first program on Node ${process.version}`, () => runModule(process.execPath, scratch, 'smoke.mjs', SMOKE_MODULE));
    if (smoke.status === 0 && smoke.stdout.includes('ok hello')) console.log(`ok   import + serve + call from the installed tarballs on Node ${process.version}`);
    else fail(`first program from the installed tarballs on Node ${process.version}`, `${smoke.stdout}${smoke.stderr}`);
    const doctorFailures = timed('podkit doctor in the scratch project', () => checkDoctorInScratch(scratch, process.execPath));
    if (doctorFailures.length === 0) console.log('ok   podkit doctor (installed bin) on the scratch project\'s Deployment: clean exits 0, a broken grace period exits 1');
    else for (const f of doctorFailures) fail('podkit doctor in the scratch project', f);
    checkOldNode(scratch, Object.keys(tarballs));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Step 4: each package imported on an older Node.js fails with the message naming the version. */
function checkOldNode(scratch: string, names: readonly string[]): void {
  const old = process.env.PODKIT_OLD_NODE ?? '/usr/bin/node';
  const version = existsSync(old) ? spawnSync(old, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';
  if (!/^v(1\d|2[01])\./.test(version)) {
    console.log(`skip old-Node import check: no Node.js < 22 at ${old} (${version || 'missing'}; set PODKIT_OLD_NODE)`);
    return;
  }
  for (const name of names) {
    const r = runModule(old, scratch, 'old-node.mjs', `import '${name}';\n`);
    const expected = new RegExp(`${name.replace('/', '\\/')} requires Node\\.js >= 22\\.\\d+\\.\\d+ \\(running ${version.replaceAll('.', '\\.')}\\)`);
    if (r.status !== 0 && expected.test(r.stderr) && !/undici|reading 'bind'/.test(r.stderr)) console.log(`ok   ${name} on ${version} fails naming the required Node.js`);
    else fail(`${name} on ${version}`, `exit ${String(r.status)}\n${r.stderr}`);
  }
  // The podkit command says the same in one line, without a stack.
  const cli = spawnSync(old, [join(scratch, 'node_modules', '.bin', 'podkit'), 'doctor', 'x'], { cwd: scratch, encoding: 'utf8' });
  if (cli.status === 2 && /^podkit: @podkit\/doctor requires Node\.js >= 22\.12\.0 \(running v.*\)\n$/.test(cli.stderr)) console.log(`ok   podkit doctor on ${version} exits 2 with one line naming the required Node.js`);
  else fail(`podkit doctor on ${version}`, `exit ${String(cli.status)}\n${cli.stderr}`);
}
