/**
 * Offline checks of the Kubernetes manifests: every object parses and validates against the
 * Kubernetes OpenAPI schemas (kubernetes-models, plus unknown-field detection), and the set is
 * consistent: selectors, ports, probes, resources, security, config and secret references,
 * labels, autoscalers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROBE_PATHS } from '../../deploy/render/probes.ts';
import { SECRETS, service, SERVICE_PORT, SERVICE_UID, SERVICES, type ServiceName } from '../../deploy/platform.ts';
import type { Json, Loaded, Manifest } from './load.ts';
import { deployDir, find, loadBase, parseYamlFile, podSpec, selects, WORKLOAD_KINDS } from './load.ts';
import { validateManifest } from './validate.ts';

const base = loadBase();
const objects = base.map((l) => l.object);
const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
const serviceNames = SERVICES.map((s) => s.name) as string[];

function describeObject(l: Loaded): string {
  return `${l.object.kind}/${l.object.metadata.name} (${l.file})`;
}

function containers(w: Manifest): Json[] {
  return [...(podSpec(w).initContainers ?? []), ...podSpec(w).containers];
}

describe('every manifest validates against the Kubernetes OpenAPI schemas', () => {
  it.each(base.map((l) => [describeObject(l), l] as const))('%s', (_name, loaded) => {
    expect(validateManifest(loaded.object)).toEqual([]);
  });

  it('the Secret templates validate too (and hold placeholders, never a value)', () => {
    const dir = path.join(deployDir, 'secrets');
    const templates = readdirSync(dir).filter((f) => f.endsWith('.template.yaml'));
    expect(templates.map((f) => f.replace('.template.yaml', '')).sort()).toEqual(SECRETS.map((s) => s.name).sort());
    for (const file of templates) {
      for (const secret of parseYamlFile(path.join(dir, file))) {
        expect(validateManifest(secret), file).toEqual([]);
        const spec = SECRETS.find((s) => s.name === secret.metadata.name);
        expect(Object.keys(secret['stringData'] as object).sort(), file).toEqual([...(spec?.keys ?? [])].sort());
        for (const value of Object.values(secret['stringData'] as Record<string, string>)) expect(value).toMatch(/<REPLACE: /);
      }
    }
  });

  it('the validator rejects what the API server would reject or silently drop', () => {
    const deployment = structuredClone(find(base, 'Deployment', 'posts'));
    podSpec(deployment).containers[0].readinesProbe = podSpec(deployment).containers[0].readinessProbe;
    podSpec(deployment).containers[0].ports[0].containerPort = 'http';
    const problems = validateManifest(deployment);
    expect(problems.join('\n')).toMatch(/containerPort must be integer/);
    expect(problems.join('\n')).toMatch(/unknown field .*readinesProbe/);
    const vpa = structuredClone(find(base, 'VerticalPodAutoscaler', 'images'));
    vpa.spec.updatePolicy.updateMode = 'Sometimes';
    vpa.spec.targetRefs = vpa.spec.targetRef;
    expect(validateManifest(vpa).join('\n')).toMatch(/updateMode[\s\S]*targetRefs|targetRefs[\s\S]*updateMode/);
  });
});

describe('the set is consistent', () => {
  it('everything lives in namespace blog-platform and names are unique per kind', () => {
    const seen = new Set<string>();
    for (const o of objects) {
      if (o.kind !== 'Namespace') expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe('blog-platform');
      const key = `${o.kind}/${o.metadata.name}`;
      expect(seen.has(key), `duplicate ${key}`).toBe(false);
      seen.add(key);
    }
    expect(find(base, 'Namespace', 'blog-platform').metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  it('workload selectors select their own pod template, and no other workload', () => {
    for (const w of workloads) {
      const labels = w.spec.template.metadata.labels as Record<string, string>;
      expect(selects(w.spec.selector, labels), `${w.kind}/${w.metadata.name}`).toBe(true);
      for (const other of workloads) {
        if (other === w) continue;
        expect(selects(w.spec.selector, other.spec.template.metadata.labels), `${w.metadata.name} selects ${other.metadata.name}'s pods`).toBe(false);
      }
    }
  });

  it('each Service selects exactly one workload and its targetPorts exist on that workload\'s containers', () => {
    for (const svc of objects.filter((o) => o.kind === 'Service')) {
      const matched = workloads.filter((w) => selects({ matchLabels: svc.spec.selector }, w.spec.template.metadata.labels));
      expect(matched.map((w) => w.metadata.name), `Service ${svc.metadata.name}`).toHaveLength(1);
      const ports = containers(matched[0]!).flatMap((c: Json) => c.ports ?? []);
      for (const p of svc.spec.ports) {
        const target = p.targetPort ?? p.port;
        const found = ports.find((cp: Json) => (typeof target === 'number' ? cp.containerPort === target : cp.name === target));
        expect(found, `Service ${svc.metadata.name} targetPort ${String(target)}`).toBeDefined();
      }
    }
  });

  it('StatefulSets name an existing headless Service that selects them', () => {
    for (const sts of objects.filter((o) => o.kind === 'StatefulSet')) {
      const svc = find(base, 'Service', sts.spec.serviceName);
      expect(svc.spec.clusterIP).toBe('None');
      expect(selects({ matchLabels: svc.spec.selector }, sts.spec.template.metadata.labels)).toBe(true);
      expect(sts.spec.volumeClaimTemplates.length).toBeGreaterThan(0);
      for (const claim of sts.spec.volumeClaimTemplates) {
        expect(containers(sts).some((c: Json) => c.volumeMounts?.some((m: Json) => m.name === claim.metadata.name))).toBe(true);
      }
    }
  });

  it('PDBs, HPAs and the VPA target existing workloads', () => {
    for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
      const matched = workloads.filter((w) => selects(pdb.spec.selector, w.spec.template.metadata.labels));
      expect(matched, `PDB ${pdb.metadata.name}`).toHaveLength(1);
    }
    for (const a of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'VerticalPodAutoscaler')) {
      const ref = a.kind === 'HorizontalPodAutoscaler' ? a.spec.scaleTargetRef : a.spec.targetRef;
      expect(find(base, ref.kind, ref.name).apiVersion, `${a.kind}/${a.metadata.name}`).toBe(ref.apiVersion);
    }
  });

  it('every service has Deployment, Service, ServiceAccount (no token), PDB and HPA (CPU 70 %, memory 80 %, 2..10)', () => {
    for (const name of serviceNames) {
      const deployment = find(base, 'Deployment', name);
      expect(deployment.spec.replicas, 'the HPA owns the replica count').toBeUndefined();
      const sa = find(base, 'ServiceAccount', name);
      expect(sa['automountServiceAccountToken']).toBe(false);
      expect(podSpec(deployment).serviceAccountName).toBe(name);
      expect(podSpec(deployment).automountServiceAccountToken).toBe(false);
      // a worker has no Service: nothing calls it
      if (service(name as ServiceName).component === 'worker') expect(base.some((l) => l.object.kind === 'Service' && l.object.metadata.name === name)).toBe(false);
      else expect(find(base, 'Service', name).spec.ports[0].port).toBe(SERVICE_PORT);
      expect(find(base, 'PodDisruptionBudget', name).spec.maxUnavailable).toBe(1);
      const hpa = find(base, 'HorizontalPodAutoscaler', name);
      expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toEqual([2, 10]);
      const targets = Object.fromEntries(hpa.spec.metrics.map((m: Json) => [m.resource.name, m.resource.target]));
      expect(targets).toEqual({
        cpu: { type: 'Utilization', averageUtilization: 70 },
        memory: { type: 'Utilization', averageUtilization: 80 },
      });
    }
    const vpas = objects.filter((o) => o.kind === 'VerticalPodAutoscaler');
    expect(vpas).toHaveLength(1);
    expect(vpas[0]!.spec.updatePolicy.updateMode).toBe('Off');
  });

  it('every pod uses a ServiceAccount that exists and does not mount its token', () => {
    for (const w of workloads) {
      const spec = podSpec(w);
      expect(spec.automountServiceAccountToken, w.metadata.name).toBe(false);
      find(base, 'ServiceAccount', spec.serviceAccountName);
    }
  });

  it('every container has requests, limits, three probes and the restricted security settings', () => {
    for (const w of workloads) {
      const pod = podSpec(w);
      expect(pod.securityContext?.runAsNonRoot, w.metadata.name).toBe(true);
      expect(pod.securityContext?.seccompProfile?.type, w.metadata.name).toBe('RuntimeDefault');
      expect(pod.securityContext?.runAsUser, w.metadata.name).toBeGreaterThan(0);
      for (const c of containers(w)) {
        const at = `${w.metadata.name}/${c.name}`;
        for (const r of ['cpu', 'memory']) {
          expect(c.resources?.requests?.[r], `${at} requests.${r}`).toBeDefined();
          expect(c.resources?.limits?.[r], `${at} limits.${r}`).toBeDefined();
        }
        expect(bytes(c.resources.limits.memory), at).toBeGreaterThanOrEqual(bytes(c.resources.requests.memory));
        for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(c[probe], `${at} ${probe}`).toBeDefined();
        const sc = c.securityContext ?? {};
        expect(sc.allowPrivilegeEscalation, at).toBe(false);
        expect(sc.readOnlyRootFilesystem, at).toBe(true);
        expect(sc.capabilities?.drop, at).toEqual(['ALL']);
        expect(sc.privileged ?? false, at).toBe(false);
        expect(sc.runAsUser ?? pod.securityContext.runAsUser, at).not.toBe(0);
        // A read-only root filesystem needs a writable /tmp: an emptyDir.
        const tmp = c.volumeMounts?.find((m: Json) => m.mountPath === '/tmp');
        expect(pod.volumes.find((v: Json) => v.name === tmp?.name)?.emptyDir, `${at} /tmp emptyDir`).toBeDefined();
      }
    }
  });

  it('service pods run as the image\'s fixed non-root UID/GID, probe podkit\'s endpoints on the admin port, and are scraped there', () => {
    for (const svc of SERVICES) {
      const deployment = find(base, 'Deployment', svc.name);
      const pod = podSpec(deployment);
      expect(pod.securityContext).toMatchObject({ runAsUser: SERVICE_UID, runAsGroup: SERVICE_UID, fsGroup: SERVICE_UID });
      const [c] = pod.containers;
      expect(c.args).toEqual([svc.name]);
      expect(c.ports).toEqual([
        ...(svc.component === 'worker' ? [] : [{ name: 'http', containerPort: svc.port, protocol: 'TCP' }]),
        { name: 'admin', containerPort: svc.adminPort, protocol: 'TCP' },
      ]);
      expect(c.env.find((e: Json) => e.name === 'PORT').value).toBe(String(svc.port));
      expect(c.env.find((e: Json) => e.name === 'ADMIN_PORT').value).toBe(String(svc.adminPort));
      expect(deployment.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(svc.adminPort),
        'prometheus.io/path': PROBE_PATHS.metrics,
      });
      // Zero-downtime rollouts: never below the desired count, one extra pod at a time.
      expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
      // Service links would inject POSTS_PORT=tcp://... style variables that podkit config reads.
      expect(pod.enableServiceLinks).toBe(false);
    }
  });

  it('recommended labels on every object of the platform', () => {
    for (const o of objects) {
      const labels = o.metadata.labels ?? {};
      expect(labels['app.kubernetes.io/part-of'], `${o.kind}/${o.metadata.name}`).toBe('blog-platform');
    }
    for (const w of workloads) {
      for (const labels of [w.metadata.labels ?? {}, w.spec.template.metadata.labels]) {
        for (const key of ['app.kubernetes.io/name', 'app.kubernetes.io/part-of', 'app.kubernetes.io/version', 'app.kubernetes.io/component']) {
          expect(labels[key], `${w.metadata.name} ${key}`).toBeTruthy();
        }
      }
    }
  });

  it('every referenced ConfigMap exists; every referenced Secret and key is documented as created by hand', () => {
    const readme = readFileSync(path.join(deployDir, 'secrets/README.md'), 'utf8');
    const checkSecret = (name: string, key: string | undefined, at: string): void => {
      const spec = SECRETS.find((s) => s.name === name);
      expect(spec, `${at}: Secret ${name} is not in platform.ts SECRETS`).toBeDefined();
      expect(readme, `${at}: Secret ${name} is not documented in secrets/README.md`).toContain(`\`${name}\``);
      if (key !== undefined) {
        expect(spec?.keys, `${at}: Secret ${name} has no key ${key}`).toContain(key);
        expect(readme).toContain(`\`${key}\``);
      }
    };
    const checkConfigMap = (name: string, key: string | undefined, at: string): void => {
      const cm = find(base, 'ConfigMap', name);
      if (key !== undefined) expect(Object.keys(cm['data'] ?? {}), `${at}: ConfigMap ${name}`).toContain(key);
    };
    for (const w of workloads) {
      const at = `${w.kind}/${w.metadata.name}`;
      for (const v of podSpec(w).volumes ?? []) {
        if (v.configMap) for (const item of v.configMap.items ?? [undefined]) checkConfigMap(v.configMap.name, item?.key, at);
        if (v.secret) for (const item of v.secret.items ?? [undefined]) checkSecret(v.secret.secretName, item?.key, at);
        for (const source of v.projected?.sources ?? []) {
          if (source.secret) for (const item of source.secret.items ?? [undefined]) checkSecret(source.secret.name, item?.key, at);
          if (source.configMap) for (const item of source.configMap.items ?? [undefined]) checkConfigMap(source.configMap.name, item?.key, at);
        }
      }
      for (const c of containers(w)) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) checkSecret(e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key, at);
          if (e.valueFrom?.configMapKeyRef) checkConfigMap(e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key, at);
        }
        for (const from of c.envFrom ?? []) {
          if (from.secretRef) checkSecret(from.secretRef.name, undefined, at);
          if (from.configMapRef) checkConfigMap(from.configMapRef.name, undefined, at);
        }
        // Env files pointing into a mount (POSTGRES_PASSWORD_FILE) must name a mounted key.
        for (const e of c.env ?? []) {
          if (!String(e.name).endsWith('_FILE')) continue;
          const mount = c.volumeMounts.find((m: Json) => String(e.value).startsWith(`${m.mountPath}/`));
          const volume = podSpec(w).volumes.find((v: Json) => v.name === mount?.name);
          const key = path.basename(String(e.value));
          expect(volume?.secret?.secretName, `${at} ${e.name}`).toBeDefined();
          checkSecret(volume.secret.secretName, key, at);
        }
      }
    }
    for (const ing of objects.filter((o) => o.kind === 'Ingress')) {
      for (const tls of ing.spec.tls ?? []) checkSecret(tls.secretName, undefined, `Ingress/${ing.metadata.name}`);
      for (const rule of ing.spec.rules) {
        for (const p of rule.http.paths) {
          const svc = find(base, 'Service', p.backend.service.name);
          expect(svc.spec.ports.some((sp: Json) => sp.name === p.backend.service.port.name || sp.port === p.backend.service.port.number)).toBe(true);
        }
      }
    }
  });

});

/** Kubernetes memory quantity to bytes (the suffixes the manifests use). */
function bytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi)?$/.exec(quantity);
  if (m === null) throw new Error(`unsupported quantity ${quantity}`);
  const unit = { Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3 }[m[2] as 'Ki' | 'Mi' | 'Gi'] ?? 1;
  return Number(m[1]) * unit;
}
