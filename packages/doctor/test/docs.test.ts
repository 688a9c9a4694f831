// Keeps docs/doctor.md and docs/errors.md honest: every rule with its reason and fix as the code
// says them, every flag of the command, every error class and code.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as api from '@podkit/doctor';
import { ALL_RULES, runCli } from '@podkit/doctor';
import { expect, test } from 'vitest';

const docsDir = join(import.meta.dirname, '../../../docs');
const doctorMd = readFileSync(join(docsDir, 'doctor.md'), 'utf8');
const errorsMd = readFileSync(join(docsDir, 'errors.md'), 'utf8');

test('docs/doctor.md documents every rule: heading, why, fix, table row', () => {
  for (const rule of ALL_RULES) {
    expect(doctorMd).toContain(`### \`${rule.id}\`\n\n**Checks:** ${rule.title}.`);
    expect(doctorMd).toContain(`**Why it matters:** ${rule.why}`);
    expect(doctorMd).toContain(`**Fix:** ${rule.fix}`);
    expect(doctorMd).toMatch(new RegExp(`^\\| \`${rule.id}\` \\|`, 'm'));
  }
  const headings = [...doctorMd.matchAll(/^### `([a-z-]+)`$/gm)].map((m) => m[1]);
  expect(headings).toEqual(ALL_RULES.map((r) => r.id));
});

test('docs/doctor.md documents every flag of podkit doctor --help', async () => {
  let help = '';
  await runCli(['doctor', '--help'], { readStdin: () => Promise.resolve(''), stdout: (t) => (help += t), stderr: () => {}, cwd: '/' });
  const flags = [...help.matchAll(/(--[a-z-]+)/g)].map((m) => m[1]!).filter((f) => !['--help', '--json', '--strict', '--list-rules', '--config', '--workload'].includes(f));
  expect(flags.length).toBeGreaterThan(5);
  for (const flag of new Set(flags)) expect(doctorMd, flag).toContain(`\`${flag}`);
  for (const flag of ['--json', '--strict', '--list-rules', '--config', '--workload']) expect(doctorMd).toContain(flag);
});

test('docs/errors.md lists every error class and code of @podkit/doctor', () => {
  const errors = [
    new api.DoctorInputError('x', 'y'),
    new api.DoctorOptionError('x', 'y'),
    new api.DoctorConfigModuleError('x', 'y'),
    new api.DoctorNodeVersionError('22.12.0', '20.20.2'),
  ];
  for (const error of errors) {
    expect(errorsMd).toContain(`| \`${error.code}\` | \`${error.name}\` |`);
    expect(api.isDoctorError(error)).toBe(true);
  }
  const classes = Object.entries(api).filter(([, v]) => typeof v === 'function' && (v as { prototype?: unknown }).prototype instanceof Error);
  expect(classes.map(([name]) => name).sort()).toEqual([...errors.map((e) => e.name), 'DoctorError'].sort());
  expect(api.isDoctorError(new Error('x'))).toBe(false);
});

test('the Deployment of docs/getting-started.md passes the doctor', () => {
  const guide = readFileSync(join(docsDir, 'getting-started.md'), 'utf8');
  const block = [...guide.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('terminationGracePeriodSeconds'));
  expect(block).toBeDefined();
  const text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: greeter\n${block!}`;
  const report = api.doctor({ objects: api.parseManifests(text, 'getting-started.md') });
  expect(report.checked).toEqual(['Deployment/greeter greeter']);
  expect(report.findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
});
