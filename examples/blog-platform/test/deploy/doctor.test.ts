/**
 * `podkit doctor` on the example's manifests, as CI runs it: the CLI in a child process, with each
 * service's own config module, on the base directory and on `kubectl kustomize` of the local
 * overlay (when kubectl is installed). It fails on any finding (--strict: warnings too). The
 * doctor owns the checks of the manifests against podkit (grace period and shutdown plan, probe
 * paths, ports and timing, reloadable keys, service links, Ingress and admin port, memory, PDBs);
 * the tests beside this one keep what is specific to this example.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { doctor, loadDefinitionModule, readManifestPaths, type DoctorReport, type ManifestObject } from '@podkit/doctor';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../deploy/platform.ts';
import { deployDir, exampleDir } from './load.ts';

const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('@podkit/doctor/package.json')), 'src/bin.ts');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

/** The arguments CI passes: each service's config module, and the key its grace period option is read from. */
function args(services: readonly { name: string }[]): string[] {
  return [
    'doctor',
    '--strict',
    '--json',
    '--grace-period-key',
    'shutdown.gracePeriod',
    ...services.flatMap((s) => ['--config', `${s.name}=${path.join(exampleDir, 'src', s.name, 'config.ts')}#configSchema`]),
  ];
}

function podkitDoctor(target: string, input?: string, services: readonly { name: string }[] = SERVICES): { status: number | null; report: DoctorReport; stderr: string } {
  const r = spawnSync(process.execPath, ['--conditions=@podkit/source', bin, ...args(services), target], { encoding: 'utf8', input, timeout: 120_000 });
  expect(r.stderr).toBe('');
  return { status: r.status, report: JSON.parse(r.stdout) as DoctorReport, stderr: r.stderr };
}

const SERVICE_CONTAINERS = SERVICES.map((s) => `Deployment/blog-platform/${s.name} ${s.name}`).sort();

describe('podkit doctor on the example', () => {
  it('the base directory comes out clean, every service checked', () => {
    const { status, report } = podkitDoctor(path.join(deployDir, 'base'));
    expect(report.findings).toEqual([]);
    expect([...report.checked].sort()).toEqual(SERVICE_CONTAINERS);
    expect(status).toBe(0);
  });

  it.skipIf(!hasKubectl)('kubectl kustomize overlays/local comes out clean', () => {
    const rendered = spawnSync('kubectl', ['kustomize', path.join(deployDir, 'overlays/local')], { encoding: 'utf8', timeout: 60_000 });
    expect(rendered.status, rendered.stderr).toBe(0);
    const { status, report } = podkitDoctor('-', rendered.stdout);
    expect(report.findings).toEqual([]);
    expect([...report.checked].sort()).toEqual(SERVICE_CONTAINERS);
    expect(status).toBe(0);
  });

  it.skipIf(!hasKubectl)('kubectl kustomize overlays/nginx-gateway comes out clean: the podkit services checked (the gateway is nginx there, no podkit config)', () => {
    const rendered = spawnSync('kubectl', ['kustomize', path.join(deployDir, 'overlays/nginx-gateway')], { encoding: 'utf8', timeout: 60_000 });
    expect(rendered.status, rendered.stderr).toBe(0);
    const { status, report } = podkitDoctor('-', rendered.stdout, SERVICES.filter((s) => s.name !== 'gateway'));
    expect(report.findings).toEqual([]);
    expect([...report.checked].sort()).toEqual(SERVICE_CONTAINERS.filter((c) => !c.startsWith('Deployment/blog-platform/gateway ')));
    expect(status).toBe(0);
  });

  it('and the same run would catch a grace period that drifts from what podkit plans', async () => {
    const objects = readManifestPaths([path.join(deployDir, 'base')]).map((o): ManifestObject => {
      if (o.kind !== 'Deployment' || o.name !== 'posts') return o;
      const body = structuredClone(o.body) as { spec: { template: { spec: { terminationGracePeriodSeconds: number } } } };
      body.spec.template.spec.terminationGracePeriodSeconds = 20;
      return { ...o, body };
    });
    const definitions = Object.fromEntries(
      await Promise.all(SERVICES.map(async (s) => [s.name, await loadDefinitionModule(path.join(exampleDir, 'src', s.name, 'config.ts'), 'configSchema')] as const)),
    );
    const report = doctor({ objects, definitions, gracePeriodKey: 'shutdown.gracePeriod' });
    expect(report.findings.map((f) => [f.rule, f.object, f.message])).toEqual([
      ['grace-period', 'Deployment/blog-platform/posts', 'podkit plans its shutdown for 30 s (option gracePeriodMs from config shutdown.gracePeriod from env SHUTDOWN_GRACE_PERIOD) but SIGKILL comes 20 s after SIGTERM'],
    ]);
  });
});
