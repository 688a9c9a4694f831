/**
 * `podkit doctor` as docs/doctor.md tells a user to run it, in the scratch project of the packed
 * tarballs: the project's own config module and Deployment, `npx podkit doctor` (the installed
 * bin), a clean run (exit 0) and a broken grace period (exit 1 naming the rule and the field).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The scratch service's config module, as a user writes it. */
const CONFIG_MODULE = `
import { defineConfig, reloadable } from '@podkit/config';
import { z } from 'zod';
export const definition = defineConfig(z.object({
  port: z.number().int().default(8080),
  admin: z.object({ port: z.number().int().default(9090) }),
  log: z.object({ level: reloadable(z.enum(['info', 'debug']).default('info')) }),
}));
`;

/** The scratch service's Deployment, with `grace` as its terminationGracePeriodSeconds. */
function deployment(grace: number): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: { name: scratch }
spec:
  selector: { matchLabels: { app: scratch } }
  template:
    metadata: { labels: { app: scratch } }
    spec:
      terminationGracePeriodSeconds: ${String(grace)}
      enableServiceLinks: false
      containers:
        - name: scratch
          image: scratch:1
          ports: [{ name: http, containerPort: 8080 }, { name: admin, containerPort: 9090 }]
          env: [{ name: PODKIT_GRACE_PERIOD_SECONDS, value: "30" }]
          resources: { requests: { memory: 512Mi }, limits: { memory: 512Mi } }
          livenessProbe: { httpGet: { path: /health, port: admin }, periodSeconds: 10, timeoutSeconds: 3 }
          readinessProbe: { httpGet: { path: /ready, port: admin }, periodSeconds: 5, timeoutSeconds: 2 }
`;
}

/** Runs the doctor in `dir` on a clean and a broken Deployment; returns what failed (empty when all is well). */
export function checkDoctorInScratch(dir: string, node: string): string[] {
  writeFileSync(join(dir, 'config.mjs'), CONFIG_MODULE);
  writeFileSync(join(dir, 'good.yaml'), deployment(30));
  writeFileSync(join(dir, 'bad.yaml'), deployment(20));
  const bin = join(dir, 'node_modules', '.bin', 'podkit');
  const run = (file: string) => spawnSync(node, [bin, 'doctor', '--config', 'config.mjs', file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  const failures: string[] = [];
  const good = run('good.yaml');
  if (good.status !== 0 || !good.stdout.includes('0 error(s), 0 warning(s); checked Deployment/scratch scratch')) {
    failures.push(`clean Deployment: exit ${String(good.status)}\n${good.stdout}${good.stderr}`);
  }
  const bad = run('bad.yaml');
  if (bad.status !== 1 || !bad.stdout.includes('error [grace-period] Deployment/scratch') || !bad.stdout.includes('field: spec.template.spec.terminationGracePeriodSeconds')) {
    failures.push(`broken grace period: exit ${String(bad.status)}\n${bad.stdout}${bad.stderr}`);
  }
  return failures;
}
