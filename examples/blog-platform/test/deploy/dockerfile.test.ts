/**
 * Static checks of the service image's Dockerfile and the root .dockerignore. The image is not
 * built here (no container engine runs on this machine); these checks cover what a build would
 * not tell you anyway: non-root, exec-form entrypoint under an init, production dependencies
 * only, and a build context that contains what the COPY lines need and nothing secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JEMALLOC_PATH, SERVICE_UID, SERVICES } from '../../deploy/platform.ts';
import { exampleDir, find, loadBase, podSpec, repoRoot } from './load.ts';

interface Instruction {
  readonly op: string;
  readonly args: string;
}
interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly instructions: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const logical = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/.exec(line);
    if (m === null) throw new Error(`unparsable Dockerfile line: ${line}`);
    const op = m[1]!.toUpperCase();
    const rest = m[2]!;
    if (op === 'ARG' && stages.length === 0) {
      const [k, v] = rest.split('=');
      args.set(k!, v ?? '');
    } else if (op === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest);
      if (f === null) throw new Error(`bad FROM: ${rest}`);
      const image = f[1]!.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a?: string, b?: string) => args.get((a ?? b)!) ?? '');
      stages.push({ from: image, name: f[2], instructions: [] });
    } else {
      const stage = stages.at(-1);
      if (stage === undefined) throw new Error(`${op} before FROM`);
      stage.instructions.push({ op, args: rest });
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(path.join(exampleDir, 'Dockerfile'), 'utf8'));
const stages = dockerfile.stages;
const runtime = stages.at(-1)!;
const ignore = readFileSync(path.join(repoRoot, '.dockerignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '' && !l.startsWith('#'));

/** Is a context path excluded by .dockerignore (the pattern or any parent directory matches)? */
function ignored(rel: string): boolean {
  const parts = rel.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const prefix = parts.slice(0, i).join('/');
    if (ignore.some((pattern) => !pattern.startsWith('!') && path.matchesGlob(prefix, pattern))) return true;
  }
  return false;
}

function ops(stage: Stage, op: string): Instruction[] {
  return stage.instructions.filter((i) => i.op === op);
}

function execForm(instruction: Instruction | undefined): string[] {
  expect(instruction, 'instruction present').toBeDefined();
  const parsed: unknown = JSON.parse(instruction!.args);
  expect(Array.isArray(parsed), `${instruction!.op} must be in exec form (a JSON array)`).toBe(true);
  return parsed as string[];
}

describe('Dockerfile', () => {
  it('is multi-stage: a build stage, a production-deps stage and a slim Node 24 runtime', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime']);
    for (const s of stages) expect(s.from).toMatch(/^node:24(\.\d+)*-[a-z]+-slim$|^node:24(\.\d+)*-slim$/);
    const build = stages[0]!;
    expect(ops(build, 'RUN').some((r) => /\bnpm ci\b/.test(r.args) && !r.args.includes('--omit=dev'))).toBe(true);
    expect(ops(build, 'RUN').some((r) => r.args.includes('npm run build'))).toBe(true);
    const prod = stages[1]!;
    expect(ops(prod, 'RUN').some((r) => /\bnpm ci\b.*--omit=dev/.test(r.args))).toBe(true);
  });

  it('the runtime installs nothing from npm and copies node_modules from the production-deps stage only', () => {
    for (const r of ops(runtime, 'RUN')) expect(r.args).not.toMatch(/\bnpm (ci|install|i)\b/);
    const copies = ops(runtime, 'COPY');
    expect(copies.length).toBeGreaterThan(0);
    for (const c of copies) expect(c.args, 'runtime COPY comes from the prod-deps stage').toMatch(/--from=prod-deps\b/);
    // prod-deps brings the compiled packages over from the build stage, never build's node_modules.
    for (const c of ops(stages[1]!, 'COPY').filter((c) => c.args.includes('--from=build'))) {
      expect(c.args).not.toMatch(/node_modules/);
    }
  });

  it('runs as the fixed non-root UID/GID the manifests declare, and never switches back to root', () => {
    const users = ops(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const last = users.at(-1)!.args;
    expect(last).toBe(`${SERVICE_UID}:${SERVICE_UID}`); // numeric: runAsNonRoot can verify it
    for (const u of users) expect(u.args).not.toMatch(/^(root|0)(:|$)/);
    // Nothing after USER runs as root or changes ownership for the service user.
    const afterUser = runtime.instructions.slice(runtime.instructions.findIndex((i) => i.op === 'USER'));
    expect(afterUser.filter((i) => i.op === 'RUN')).toEqual([]);
  });

  it('starts Node under tini in exec form (signals reach Node; no shell, no npm in between)', () => {
    const entrypoint = execForm(ops(runtime, 'ENTRYPOINT').at(-1));
    expect(entrypoint.slice(0, 3)).toEqual(['/usr/bin/tini', '--', 'node']);
    expect(ops(runtime, 'RUN').some((r) => /apt-get install .*\btini\b/.test(r.args))).toBe(true);
    expect(entrypoint).not.toContain('npm');
    // the compiled entry (tsc output of examples/blog-platform/tsconfig.build.json): its source exists
    const script = entrypoint[3]!;
    expect(script).toMatch(/^examples\/blog-platform\/dist\/.+\.js$/);
    const source = script.replace('/dist/', '/src/').replace(/\.js$/, '.ts');
    expect(existsSync(path.join(repoRoot, source)), `${source} (compiled to ${script}) exists in the repository`).toBe(true);
    const cmd = execForm(ops(runtime, 'CMD').at(-1));
    expect(cmd).toEqual(['gateway']);
    // The Deployments pass the service name as the argument the entrypoint expects.
    const base = loadBase();
    for (const s of SERVICES) expect(podSpec(find(base, 'Deployment', s.name)).containers[0].args).toEqual([s.name]);
    expect(ops(runtime, 'ENV').map((e) => e.args).join(' ')).toMatch(/NODE_ENV=production/);
  });

  it('installs jemalloc at the path the manifests preload (LD_PRELOAD), and preloads it itself', () => {
    const runs = ops(runtime, 'RUN').map((r) => r.args);
    expect(runs.some((r) => /apt-get install .*\blibjemalloc2\b/.test(r) && r.includes(`ln -s`) && r.includes(JEMALLOC_PATH))).toBe(true);
    expect(ops(runtime, 'ENV').map((e) => e.args).join(' ')).toContain(`LD_PRELOAD=${JEMALLOC_PATH}`);
    const base = loadBase();
    for (const s of SERVICES) {
      const env = (podSpec(find(base, 'Deployment', s.name)).containers[0].env ?? []) as { name: string; value?: string }[];
      expect(env.find((e) => e.name === 'LD_PRELOAD')?.value, s.name).toBe(JEMALLOC_PATH);
    }
  });

  it('exposes every service port and admin port', () => {
    const exposed = ops(runtime, 'EXPOSE').flatMap((e) => e.args.split(/\s+/).map(Number));
    // a worker serves no API: its admin port only
    for (const s of SERVICES) expect(exposed).toEqual(expect.arrayContaining(s.component === 'worker' ? [s.adminPort] : [s.port, s.adminPort]));
  });

  it('every COPY source from the build context exists and is not excluded by .dockerignore', () => {
    for (const stage of stages) {
      for (const c of ops(stage, 'COPY')) {
        if (/--from=/.test(c.args)) continue;
        const words = c.args.split(/\s+/).filter((w) => !w.startsWith('--'));
        for (const src of words.slice(0, -1)) {
          expect(existsSync(path.join(repoRoot, src)), `${stage.name}: COPY ${src}`).toBe(true);
          expect(ignored(src), `${stage.name}: COPY ${src} is excluded by .dockerignore`).toBe(false);
        }
      }
    }
  });
});

describe('.dockerignore (at the repository root: the build context)', () => {
  it('keeps local state, dependencies and secrets out of the context', () => {
    for (const p of [
      'node_modules',
      'packages/core/node_modules',
      'examples/blog-platform/node_modules',
      'packages/core/dist',
      '.git',
      '.env',
      'examples/blog-platform/.env.local',
      'examples/blog-platform/.data',
      'examples/blog-platform/.data/posts/base',
      'examples/blog-platform/web/dist',
    ]) {
      expect(ignored(p), p).toBe(true);
    }
  });

  it('keeps what the build needs', () => {
    for (const p of ['package.json', 'package-lock.json', 'tsconfig.base.json', 'packages/core/src/index.ts', 'examples/blog-platform/src']) {
      expect(ignored(p), p).toBe(false);
    }
  });
});
