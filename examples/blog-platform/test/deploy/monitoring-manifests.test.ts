/**
 * The in-cluster Prometheus of deploy/monitoring: valid objects, restricted security settings, the
 * labels and namespace the platform's NetworkPolicy admits, RBAC for pod discovery limited to the
 * namespace the scrape config discovers, and the generated ConfigMap mounted where Prometheus
 * reads its config and rules.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Json, Manifest } from './load.ts';
import { find, loadBase, loadKustomization, podSpec, readKustomization, selects } from './load.ts';
import { monitoringDir, shippedConfig } from './prometheus-config.ts';
import { validateManifest } from './validate.ts';

const monitoring = loadKustomization(monitoringDir);
const objects = monitoring.map((l) => l.object);
const prometheus = find(monitoring, 'Deployment', 'prometheus');
const base = loadBase();

describe('in-cluster Prometheus', () => {
  it.each(monitoring.map((l) => [`${l.object.kind}/${l.object.metadata.name}`, l.object] as const))('%s validates', (_id, object) => {
    expect(validateManifest(object)).toEqual([]);
  });

  it('runs restricted: non-root, read-only root filesystem, no capabilities, RuntimeDefault seccomp, requests, limits, probes', () => {
    const pod = podSpec(prometheus);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    for (const c of pod.containers) {
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      for (const kind of ['requests', 'limits']) expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(c[probe]?.httpGet?.port).toBe('web');
      // Every path it writes is a volume.
      const writable = c.volumeMounts.filter((m: Json) => m.readOnly !== true).map((m: Json) => m.mountPath);
      expect(writable.sort()).toEqual(['/prometheus', '/tmp']);
    }
  });

  it('is the pod the platform\'s NetworkPolicy lets scrape the services', () => {
    const policy = find(base, 'NetworkPolicy', 'allow-prometheus-scrape');
    const [peer] = policy.spec.ingress[0].from;
    const namespace = find(monitoring, 'Namespace', 'monitoring');
    expect(prometheus.metadata.namespace).toBe('monitoring');
    expect(selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': namespace.metadata.name })).toBe(true);
    expect(selects(peer.podSelector, prometheus.spec.template.metadata.labels)).toBe(true);
  });

  it('may list and watch pods only in the namespace its scrape config discovers', () => {
    const discovered: string[] = shippedConfig().scrape_configs.flatMap((j: Json) => (j.kubernetes_sd_configs ?? []).flatMap((sd: Json) => sd.namespaces.names));
    const roles = objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
    expect(roles.map((r) => r.kind)).toEqual(['Role']);
    expect(discovered).toEqual([roles[0]!.metadata.namespace]);
    expect(roles[0]!['rules']).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] }]);
    const binding = find(monitoring, 'RoleBinding', 'prometheus-discovery');
    expect(binding.metadata.namespace).toBe(roles[0]!.metadata.namespace);
    expect(binding['roleRef']).toMatchObject({ kind: 'Role', name: roles[0]!.metadata.name });
    expect(binding['subjects']).toEqual([{ kind: 'ServiceAccount', name: podSpec(prometheus).serviceAccountName, namespace: 'monitoring' }]);
    find(monitoring, 'ServiceAccount', podSpec(prometheus).serviceAccountName);
  });

  it('reads prometheus.yml and alerts.yml from the generated ConfigMap', () => {
    const generator = (readKustomization(monitoringDir)['configMapGenerator'] as Json[])[0];
    for (const f of generator.files as string[]) expect(existsSync(path.join(monitoringDir, f)), f).toBe(true);
    expect(generator.files).toEqual(expect.arrayContaining(['prometheus.yml', ...(shippedConfig().rule_files as string[])]));
    const [c] = podSpec(prometheus).containers;
    const volume = podSpec(prometheus).volumes.find((v: Json) => v.configMap?.name === generator.name);
    const mount = c.volumeMounts.find((m: Json) => m.name === volume?.name);
    expect(c.args).toContain(`--config.file=${String(mount?.mountPath)}/prometheus.yml`);
  });

  it.skipIf(spawnSync('kubectl', ['version', '--client']).status !== 0)('renders with kubectl kustomize; the ConfigMap name carries a content hash', () => {
    const r = spawnSync('kubectl', ['kustomize', monitoringDir], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const rendered = parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest);
    for (const o of rendered) expect(validateManifest(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
    const cm = rendered.find((o) => o.kind === 'ConfigMap')!;
    expect(cm.metadata.name).toMatch(/^prometheus-config-[a-z0-9]{10}$/);
    const deployment = rendered.find((o) => o.kind === 'Deployment')!;
    expect(podSpec(deployment).volumes.some((v: Json) => v.configMap?.name === cm.metadata.name)).toBe(true);
  });
});
