/**
 * The cases of each rule beyond its fixture: good.yaml changed in memory, every rule run, the
 * findings compared exactly (rule, severity, field, message).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { doctor, parseManifests, type DoctorOptions, type ManifestObject } from '@podkit/doctor';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { definition } from './fixtures/definition.ts';
import { fixturesDir } from './helpers.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- fixtures are walked freely
type Any = any;

/** good.yaml's objects after `change`, checked with every rule; findings as [rule, severity, field, message]. */
function findings(change: (docs: Any[]) => void, options: Partial<DoctorOptions> = {}): string[][] {
  const docs = readFileSync(join(fixturesDir, 'good.yaml'), 'utf8').split(/^---$/m).map((d) => parse(d));
  change(docs);
  const objects: ManifestObject[] = parseManifests(docs.map((d) => stringify(d)).join('---\n'), 'case.yaml');
  return doctor({ objects, definitions: definition, ...options }).findings.map((f) => [f.rule, f.severity, f.field, f.message]);
}
const dep = (docs: Any[]): Any => docs.find((d) => d.kind === 'Deployment');
const pod = (docs: Any[]): Any => dep(docs).spec.template.spec;
const ctr = (docs: Any[]): Any => pod(docs).containers[0];
const env = (docs: Any[], name: string): Any => ctr(docs).env.find((e: Any) => e.name === name);
const C = 'spec.template.spec.containers[0]';

describe('grace-period', () => {
  it('a grace period too short for the phases: podkit will refuse to start', () => {
    expect(findings((d) => { pod(d).terminationGracePeriodSeconds = 5; env(d, 'PODKIT_GRACE_PERIOD_SECONDS').value = '5'; })).toEqual([
      ['grace-period', 'error', 'spec.template.spec.terminationGracePeriodSeconds',
        'podkit cannot plan a shutdown in 5 s (env PODKIT_GRACE_PERIOD_SECONDS): only -2000 ms are left to drain (minimum 1000): delay 5000 + drain -2000 + hooks 1000 + margin 1000 = 5000 ms; the service will refuse to start'],
    ]);
  });

  it('no PODKIT_GRACE_PERIOD_SECONDS: podkit plans 30 s, so a longer grace period is wasted (warning)', () => {
    expect(findings((d) => { pod(d).terminationGracePeriodSeconds = 60; ctr(d).env = ctr(d).env.filter((e: Any) => e.name !== 'PODKIT_GRACE_PERIOD_SECONDS'); })).toEqual([
      ['grace-period', 'warning', 'spec.template.spec.terminationGracePeriodSeconds', 'podkit plans its shutdown for 30 s (default) but the pod allows 60 s: the drain is cut short for nothing'],
    ]);
  });

  it('a preStop sleep eats the grace period podkit planned with: both rules report', () => {
    expect(findings((d) => { ctr(d).lifecycle = { preStop: { sleep: { seconds: 10 } } }; })).toEqual([
      ['grace-period', 'error', 'spec.template.spec.terminationGracePeriodSeconds',
        'podkit plans its shutdown for 30 s (env PODKIT_GRACE_PERIOD_SECONDS) but SIGKILL comes 30 s minus the 10 s preStop sleep = 20 s after SIGTERM'],
      ['prestop-sleep', 'warning', `${C}.lifecycle.preStop`, 'preStop sleeps 10 s and podkit then waits its 5 s propagation delay: the wait is counted twice'],
    ]);
  });

  it('a preStop sleep with propagationDelayMs 0 and the env lowered by the sleep is fine', () => {
    expect(findings((d) => { ctr(d).lifecycle = { preStop: { exec: { command: ['/bin/sleep', '5'] } } }; env(d, 'PODKIT_GRACE_PERIOD_SECONDS').value = '25'; }, { shutdown: { propagationDelayMs: 0 } })).toEqual([]);
  });
});

describe('probe-target', () => {
  it('an undeclared port name, a path podkit does not serve, and a tcpSocket readiness probe', () => {
    expect(findings((d) => {
      ctr(d).startupProbe.httpGet.port = 'mgmt';
      ctr(d).livenessProbe.httpGet.path = '/healthz';
      ctr(d).readinessProbe = { tcpSocket: { port: 'admin' }, periodSeconds: 5, timeoutSeconds: 2 };
    })).toEqual([
      ['probe-target', 'error', `${C}.livenessProbe.httpGet.path`, 'the liveness probe requests /healthz; podkit serves liveness at /health'],
      ['probe-target', 'error', `${C}.startupProbe.httpGet.port`, 'the startup probe targets port "mgmt", which the container does not declare'],
      ['probe-target', 'warning', `${C}.readinessProbe`, "the readiness probe is not httpGet: it cannot see podkit's readiness state"],
    ]);
  });

  it('without an admin port the probes belong on the main port', () => {
    expect(findings(() => {}, { adminPort: false }).filter((f) => f[0] === 'probe-target').map((f) => f[3])).toEqual([
      'the liveness probe targets port 9090, but podkit serves probes on 8080 (config port from default of port)',
      'the readiness probe targets port 9090, but podkit serves probes on 8080 (config port from default of port)',
      'the startup probe targets port 9090, but podkit serves probes on 8080 (config port from default of port)',
    ]);
  });

  it('custom serve() probe paths are honoured', () => {
    expect(findings((d) => { ctr(d).livenessProbe.httpGet.path = '/livez'; }, { probes: { liveness: '/livez' } })).toEqual([]);
  });
});

describe('probe-timing', () => {
  it('a readiness timeout below the check timeout, and a liveness that gives up within one check', () => {
    expect(findings((d) => { ctr(d).readinessProbe.timeoutSeconds = 1; ctr(d).livenessProbe.periodSeconds = 2; })).toEqual([
      ['probe-timing', 'error', `${C}.livenessProbe.failureThreshold`, 'liveness restarts the pod after 3 x 2 s = 6 s of failures, not more than one check timeout plus interval (7 s)'],
      ['probe-timing', 'warning', `${C}.readinessProbe.timeoutSeconds`, "the readiness probe times out after 1 s, before podkit's check timeout of 2 s"],
    ]);
  });
});

describe('reload rules', () => {
  it('a subPath mount of a key that is not reloadable is a warning', () => {
    expect(findings((d) => { ctr(d).volumeMounts = [{ name: 'config', mountPath: '/etc/config/database.port', subPath: 'database.port' }]; })).toEqual([
      ['reload-subpath', 'warning', `${C}.volumeMounts[0].subPath`, '/etc/config/database.port is mounted with subPath in /etc/config: it never sees ConfigMap or Secret updates'],
    ]);
  });

  it('a reloadable key brought in by envFrom', () => {
    expect(findings((d) => {
      d.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'quotes-env', namespace: 'shop' }, data: { LOG_LEVEL: 'debug' } });
      ctr(d).envFrom = [{ configMapRef: { name: 'quotes-env' } }];
    })).toEqual([['reload-env-override', 'error', `${C}.envFrom[0]`, 'the reloadable key log.level is set by the env var LOG_LEVEL (from envFrom): it will never reload']]);
  });

  it('PODKIT_CONFIG_DIR moves the config directory the rules look at', () => {
    expect(findings((d) => {
      ctr(d).env.push({ name: 'PODKIT_CONFIG_DIR', value: '/config' });
      ctr(d).volumeMounts = [{ name: 'config', mountPath: '/config/log.level', subPath: 'log.level' }];
    })).toEqual([['reload-subpath', 'error', `${C}.volumeMounts[0].subPath`, '/config/log.level is mounted with subPath, so the reloadable key log.level will never reload']]);
  });
});

describe('service-links', () => {
  it('service links on with no colliding Service yet: a warning naming the exposed env names', () => {
    expect(findings((d) => { delete pod(d).enableServiceLinks; })).toEqual([
      ['service-links', 'warning', 'spec.template.spec.enableServiceLinks', 'service links are on and the config reads DATABASE_PORT: a Service of that name in the namespace would set it'],
    ]);
  });

  it('a Service in another namespace injects nothing', () => {
    expect(findings((d) => {
      delete pod(d).enableServiceLinks;
      d.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'database', namespace: 'other' }, spec: { ports: [{ port: 5432 }] } });
    }).map((f) => f[1])).toEqual(['warning']);
  });
});

describe('probes-public', () => {
  it('without an admin port, an Ingress on / reaches the probes (warning); one on /api does not', () => {
    const noAdmin = (d: Any[]): void => {
      ctr(d).env = ctr(d).env.filter((e: Any) => e.name !== 'ADMIN_PORT');
      for (const p of ['startupProbe', 'livenessProbe', 'readinessProbe']) ctr(d)[p].httpGet.port = 'http';
    };
    expect(findings(noAdmin, { adminPort: false })).toEqual([
      ['probes-public', 'warning', 'spec.rules[0].http.paths[0].backend', '/ reaches /health, /ready, /startup, /metrics of quotes: podkit serves them on the main port 8080 (no admin port)'],
    ]);
    expect(findings((d) => { noAdmin(d); d.find((o) => o.kind === 'Ingress').spec.rules[0].http.paths[0].path = '/api'; }, { adminPort: false })).toEqual([]);
  });

  it('an HTTPRoute to the admin port', () => {
    expect(findings((d) => {
      d.find((o) => o.kind === 'Service').spec.ports.push({ name: 'admin', port: 9090, targetPort: 'admin' });
      d.push({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'quotes-admin', namespace: 'shop' },
        spec: { rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/internal' } }], backendRefs: [{ name: 'quotes', port: 9090 }] }] },
      });
    })).toEqual([['probes-public', 'error', 'spec.rules[0].backendRefs[0]', 'routes to the Service quotes, port 9090: the admin port of quotes (probes and /metrics)']]);
  });
});

describe('memory rules', () => {
  it('no memory limit', () => {
    expect(findings((d) => { delete ctr(d).resources.limits; })).toEqual([['memory-resources', 'warning', `${C}.resources.limits.memory`, 'no memory limit']]);
  });

  it("Node.js's own heap limit is above a 256Mi limit when no flag is set", () => {
    expect(findings((d) => { ctr(d).env = ctr(d).env.filter((e: Any) => e.name !== 'NODE_OPTIONS'); })).toEqual([
      ['heap-limit', 'error', `${C}.resources.limits.memory`, "Node.js's default heap limit under this limit (259 MiB) is at or above the memory limit of 256 MiB: the container is OOM-killed before the heap is full"],
    ]);
  });

  it('a flag on the command line wins over NODE_OPTIONS; above 75 % of the limit is a warning', () => {
    expect(findings((d) => { ctr(d).args = ['node', '--max-old-space-size=220', 'main.js']; })).toEqual([
      ['heap-limit', 'warning', `${C}.args`, '--max-old-space-size=220 (220 MiB) leaves less than 25 % of the 256 MiB memory limit for everything outside the heap'],
    ]);
  });

  it('limits in G and Gi parse', () => {
    expect(findings((d) => { ctr(d).resources = { requests: { memory: '1G' }, limits: { memory: '1Gi' } }; })).toEqual([]);
  });
});

describe('pdb-drain', () => {
  it('minAvailable at the HPA minimum blocks drains', () => {
    expect(findings((d) => {
      const pdb = d.find((o) => o.kind === 'PodDisruptionBudget');
      delete pdb.spec.maxUnavailable;
      pdb.spec.minAvailable = 2;
      d.push({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'quotes', namespace: 'shop' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'quotes' }, minReplicas: 2, maxReplicas: 5 } });
    })).toEqual([['pdb-drain', 'error', 'spec.minAvailable', 'minAvailable 2 with 2 replica(s) of quotes at the lowest never allows an eviction']]);
  });

  it('a PDB selecting no podkit pod is not checked', () => {
    expect(findings((d) => { d.find((o) => o.kind === 'PodDisruptionBudget').spec = { maxUnavailable: 0, selector: { matchLabels: { app: 'postgres' } } }; })).toEqual([]);
  });
});

describe('which containers are checked', () => {
  it('containers with PODKIT_* env, else all; --workload narrows it', () => {
    const docs = (withSidecar: boolean) => (d: Any[]): void => {
      if (withSidecar) pod(d).containers.push({ name: 'proxy', image: 'envoy', readinessProbe: { httpGet: { path: '/ready', port: 9901 } } });
    };
    expect(findings(docs(true))).toEqual([]);
    expect(findings(docs(true), { workloads: ['proxy'] }).map((f) => f[0])).toContain('probe-target');
    expect(() => findings(docs(false), { workloads: ['nope'] })).toThrow(/workloads: no workload or container named nope/);
  });
});
