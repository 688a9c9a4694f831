/**
 * The kustomizations render: with `kubectl kustomize` (when kubectl is installed; skipped with a
 * message otherwise) the base renders to exactly the objects the offline loader sees, and the
 * local overlay renders valid objects with its changes applied. Without kubectl, the overlay's
 * patches are still checked to target objects of the base.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Json, Manifest } from './load.ts';
import { deployDir, loadBase, parseYamlFile, podSpec, readKustomization } from './load.ts';
import { validateManifest } from './validate.ts';

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
const hasKubectl = kubectl.status === 0;
const base = loadBase().map((l) => l.object);
const overlayDir = path.join(deployDir, 'overlays/local');

function render(dir: string): Manifest[] {
  const r = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest).filter((o) => o !== null);
}

function ids(objects: readonly Manifest[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort();
}

it('kubectl is available for rendering (otherwise the rendering checks are skipped)', () => {
  if (!hasKubectl) console.warn('SKIPPED kubectl kustomize checks: kubectl not installed');
  expect(true).toBe(true);
});

describe('local overlay (offline)', () => {
  it('patches only objects that exist in the base', () => {
    const k = readKustomization(overlayDir);
    expect(k['resources']).toEqual(['../../base']);
    for (const patch of k['patches'] as Json[]) {
      if (patch.path !== undefined) {
        for (const p of parseYamlFile(path.join(overlayDir, patch.path))) {
          expect(base.some((o) => o.kind === p.kind && o.metadata.name === p.metadata.name), `${patch.path} targets ${p.kind}/${p.metadata.name}`).toBe(true);
        }
      } else {
        expect(base.some((o) => o.kind === patch.target.kind), `patch target ${patch.target.kind}`).toBe(true);
      }
    }
    for (const image of k['images'] as Json[]) {
      expect(base.some((o) => o.kind === 'Deployment' && String(podSpec(o).containers[0].image).startsWith(`${image.name}:`))).toBe(true);
    }
  });
});

describe.skipIf(!hasKubectl)('kubectl kustomize', () => {
  it('renders the base to exactly the objects the tests check', () => {
    expect(ids(render(path.join(deployDir, 'base')))).toEqual(ids(base));
  });

  it('renders the local overlay: valid objects, local image, no VPA, one replica minimum, plain HTTP host', () => {
    const objects = render(overlayDir);
    for (const o of objects) expect(validateManifest(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
    expect(objects.some((o) => o.kind === 'VerticalPodAutoscaler')).toBe(false);
    for (const d of objects.filter((o) => o.kind === 'Deployment' && o.metadata.labels?.['app.kubernetes.io/component'] !== 'cache')) {
      expect(podSpec(d).containers[0].image).toBe('blog-platform:dev');
    }
    for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) expect([h.spec.minReplicas, h.spec.maxReplicas]).toEqual([1, 3]);
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    expect(ingress.spec.tls).toBeUndefined();
    expect(ingress.spec.rules[0].host).toBe('blog.localtest.me');
    const pg = objects.find((o) => o.kind === 'StatefulSet')!;
    expect(pg.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('1Gi');
    expect(ids(objects).length).toBe(ids(base).length - 1);
  });
});
