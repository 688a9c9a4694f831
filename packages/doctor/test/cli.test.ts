/**
 * The `podkit` command as a user runs it: a child process of src/bin.ts (with the workspace's
 * source condition), reading files, directories and stdin; exit codes 0, 1 and 2.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorReport } from '@podkit/doctor';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from './helpers.ts';

const bin = join(import.meta.dirname, '../src/bin.ts');
const config = `${join(fixturesDir, 'definition.ts')}#definition`;

function podkit(args: readonly string[], input?: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=@podkit/source', bin, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('podkit doctor', () => {
  it('exits 0 on clean manifests and says what it checked', () => {
    const r = podkit(['doctor', '--config', config, join(fixturesDir, 'good.yaml')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('0 error(s), 0 warning(s); checked Deployment/shop/quotes quotes\n');
  });

  it('exits 1 on an error and prints the object, field, message, why and fix', () => {
    const r = podkit(['doctor', '--config', config, join(fixturesDir, 'bad/grace-period.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`error [grace-period] Deployment/shop/quotes container quotes (${join(fixturesDir, 'bad/grace-period.yaml')})`);
    expect(r.stdout).toContain('  field: spec.template.spec.terminationGracePeriodSeconds\n');
    expect(r.stdout).toContain('  podkit plans its shutdown for 30 s (env PODKIT_GRACE_PERIOD_SECONDS) but SIGKILL comes 20 s after SIGTERM\n');
    expect(r.stdout).toMatch(/\n {2}why: podkit splits its grace period/);
    expect(r.stdout).toMatch(/\n {2}fix: Set PODKIT_GRACE_PERIOD_SECONDS/);
    expect(r.stdout).toMatch(/1 error\(s\), 0 warning\(s\)/);
  });

  it('exits 0 on warnings only, 1 with --strict', () => {
    const file = join(fixturesDir, 'bad/probe-timing.yaml');
    expect(podkit(['doctor', '--config', config, file]).status).toBe(0);
    expect(podkit(['doctor', '--strict', '--config', config, file]).status).toBe(1);
  });

  it('reads stdin for -, and prints JSON with --json', () => {
    const r = podkit(['doctor', '--json', '--config', config, '-'], readFileSync(join(fixturesDir, 'bad/heap-limit.yaml'), 'utf8'));
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as DoctorReport;
    expect(report.counts).toEqual({ error: 1, warning: 0 });
    expect(report.findings[0]).toMatchObject({ rule: 'heap-limit', source: '<stdin>', object: 'Deployment/shop/quotes', field: 'spec.template.spec.containers[0].env[2].value' });
  });

  it('reads a directory recursively', () => {
    const r = podkit(['doctor', '--json', '--config', config, '--skip', 'pdb-drain', join(fixturesDir, 'bad')]);
    const report = JSON.parse(r.stdout) as DoctorReport;
    // Every bad fixture's Deployment is one object named quotes; the rules see all of them.
    expect(new Set(report.findings.map((f) => f.rule)).size).toBeGreaterThanOrEqual(10);
  });

  it('exits 2 with a one-line message (no stack) on bad input or options', () => {
    const cases: [readonly string[], RegExp][] = [
      [['doctor', join(fixturesDir, 'nope.yaml')], /nope\.yaml: no such file or directory \(ERR_PODKIT_DOCTOR_INPUT\)/],
      [['doctor', '--admin-port', 'x', join(fixturesDir, 'good.yaml')], /--admin-port: expected a non-negative integer, got "x" \(ERR_PODKIT_DOCTOR_OPTION\)/],
      [['doctor', '--skip', 'nope', join(fixturesDir, 'good.yaml')], /skip: no rule nope; rules: grace-period, /],
      [['doctor', '--config', join(fixturesDir, 'definition.ts'), join(fixturesDir, 'good.yaml')], /exports several candidates \(configSchema, definition\): name one as .*definition\.ts#configSchema \(ERR_PODKIT_DOCTOR_CONFIG_MODULE\)/],
      [['doctor'], /name at least one manifest file or directory/],
      [['doctor', '--nope', 'x'], /Unknown option '--nope'/],
    ];
    for (const [args, message] of cases) {
      const r = podkit(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('rejects invalid YAML naming the source', () => {
    const r = podkit(['doctor', '-'], 'kind: [');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^podkit doctor: <stdin>: invalid YAML: /);
  });

  it('lists its rules', () => {
    const r = podkit(['doctor', '--list-rules']);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('grace-period: terminationGracePeriodSeconds agrees with the shutdown podkit plans');
  });
});

describe('human output', () => {
  it('explains a rule at its first finding and refers back to it after', () => {
    const file = join(fixturesDir, 'bad/pdb-drain.yaml');
    const r = podkit(['doctor', '--config', config, file, file]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/2 error\(s\), 2 warning\(s\)/);
    expect(r.stdout.match(/ {2}why: A node drain evicts/g)).toHaveLength(1);
    expect(r.stdout.match(/ {2}why, fix: as for \[pdb-drain\] above/g)).toHaveLength(3);
  });
});
