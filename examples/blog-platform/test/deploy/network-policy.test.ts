/**
 * NetworkPolicies, evaluated: a small implementation of Kubernetes' NetworkPolicy semantics
 * (policies are additive allow-lists; a connection needs the source's egress AND the
 * destination's ingress to allow it once any policy selects the pod for that direction; ports
 * are pod ports, named ports resolve on the destination container) checked against the
 * platform's call graph from platform.ts: every call the services make is allowed, everything
 * else between pods is denied.
 */
import { describe, expect, it } from 'vitest';
import { service, SERVICES } from '../../deploy/platform.ts';
import type { Json, Manifest } from './load.ts';
import { find, loadBase, loadKustomization, podSpec, selects, WORKLOAD_KINDS } from './load.ts';
import { monitoringDir } from './prometheus-config.ts';

interface Pod {
  readonly id: string;
  readonly namespace: string;
  readonly nsLabels: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly ports: readonly { name?: string; containerPort: number; protocol?: string }[];
}

const objects = loadBase().map((l) => l.object);
const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
const NS = 'blog-platform';
const prometheusDeployment = find(loadKustomization(monitoringDir), 'Deployment', 'prometheus');

function nsLabels(ns: string): Record<string, string> {
  return { 'kubernetes.io/metadata.name': ns };
}

const platformPods: Pod[] = objects
  .filter((o) => WORKLOAD_KINDS.has(o.kind))
  .map((w: Manifest) => ({
    id: w.metadata.name,
    namespace: NS,
    nsLabels: nsLabels(NS),
    labels: w.spec.template.metadata.labels,
    ports: podSpec(w).containers.flatMap((c: Json) => c.ports ?? []),
  }));

const outside = {
  ingressController: { id: 'ingress-nginx', namespace: 'ingress-nginx', nsLabels: nsLabels('ingress-nginx'), labels: { 'app.kubernetes.io/name': 'ingress-nginx' }, ports: [] },
  // The Prometheus of deploy/monitoring, as deployed.
  prometheus: {
    id: 'prometheus',
    namespace: prometheusDeployment.metadata.namespace!,
    nsLabels: nsLabels(prometheusDeployment.metadata.namespace!),
    labels: prometheusDeployment.spec.template.metadata.labels,
    ports: [{ name: 'web', containerPort: 9090 }],
  },
  otherInMonitoring: { id: 'grafana', namespace: 'monitoring', nsLabels: nsLabels('monitoring'), labels: { 'app.kubernetes.io/name': 'grafana' }, ports: [] },
  kubeDns: { id: 'kube-dns', namespace: 'kube-system', nsLabels: nsLabels('kube-system'), labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] },
  stranger: { id: 'stranger', namespace: 'default', nsLabels: nsLabels('default'), labels: { app: 'stranger' }, ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 8080 }] },
} satisfies Record<string, Pod>;

function pod(id: string): Pod {
  const found = platformPods.find((p) => p.id === id);
  if (found === undefined) throw new Error(`no pod ${id}`);
  return found;
}

function peerMatches(peer: Json, policyNs: string, other: Pod): boolean {
  if (peer.ipBlock) return true; // not used by this example; treated as "anything"
  const nsOk = peer.namespaceSelector === undefined ? other.namespace === policyNs : selects(peer.namespaceSelector, other.nsLabels);
  const podOk = peer.podSelector === undefined ? true : selects(peer.podSelector, other.labels);
  return nsOk && podOk;
}

function portMatches(ports: Json[] | undefined, dst: Pod, port: number, protocol: string): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'number') return p.port === port || (p.endPort !== undefined && port >= p.port && port <= p.endPort);
    return dst.ports.some((cp) => cp.name === p.port && cp.containerPort === port && (cp.protocol ?? 'TCP') === protocol);
  });
}

function selecting(target: Pod, type: 'Ingress' | 'Egress'): Manifest[] {
  return policies.filter(
    (p) => p.metadata.namespace === target.namespace && selects(p.spec.podSelector, target.labels) && (p.spec.policyTypes ?? ['Ingress']).includes(type),
  );
}

/** Would a connection from `src` to `dst` on `port` be allowed? Only this namespace has policies. */
function allowed(src: Pod, dst: Pod, port: number, protocol = 'TCP'): boolean {
  const egressPolicies = selecting(src, 'Egress');
  const egressOk =
    egressPolicies.length === 0 ||
    egressPolicies.some((p) =>
      (p.spec.egress ?? []).some(
        (rule: Json) => (rule.to === undefined || rule.to.some((peer: Json) => peerMatches(peer, p.metadata.namespace!, dst))) && portMatches(rule.ports, dst, port, protocol),
      ),
    );
  const ingressPolicies = selecting(dst, 'Ingress');
  const ingressOk =
    ingressPolicies.length === 0 ||
    ingressPolicies.some((p) =>
      (p.spec.ingress ?? []).some(
        (rule: Json) => (rule.from === undefined || rule.from.some((peer: Json) => peerMatches(peer, p.metadata.namespace!, src))) && portMatches(rule.ports, dst, port, protocol),
      ),
    );
  return egressOk && ingressOk;
}

function servingPort(p: Pod): number {
  const port = (p.ports.find((cp) => cp.name === 'http') ?? p.ports[0])?.containerPort;
  if (port === undefined) throw new Error(`${p.id} has no port`);
  return port;
}

/** The edges the platform needs, from platform.ts. */
function expectedEdges(): Set<string> {
  const edges = new Set<string>();
  for (const s of SERVICES) {
    for (const callee of s.calls) edges.add(`${s.name}->${callee}`);
    if (s.usesPostgres) edges.add(`${s.name}->postgres`);
    if (s.usesRedis) edges.add(`${s.name}->redis`);
    if (s.usesRabbitmq === true) edges.add(`${s.name}->rabbitmq`);
  }
  return edges;
}

describe('NetworkPolicies', () => {
  it('select every pod for both directions with a default deny, plus a policy of its own', () => {
    const defaultDeny = policies.find((p) => p.metadata.name === 'default-deny-all');
    expect(defaultDeny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    for (const p of platformPods) {
      expect(selecting(p, 'Ingress').length, p.id).toBeGreaterThan(0);
      expect(selecting(p, 'Egress').length, p.id).toBeGreaterThan(0);
      const own = policies.filter((np) => np.spec.podSelector.matchLabels !== undefined && selects(np.spec.podSelector, p.labels));
      expect(own.some((np) => (np.spec.ingress ?? []).length > 0), `${p.id} has an ingress allow rule`).toBe(true);
    }
  });

  it('allow exactly the call graph between the platform\'s pods', () => {
    const expected = expectedEdges();
    const actual = new Set<string>();
    for (const src of platformPods) {
      for (const dst of platformPods) {
        if (src === dst) continue;
        for (const port of dst.ports) if (allowed(src, dst, port.containerPort)) actual.add(`${src.id}->${dst.id}`);
      }
    }
    expect([...actual].sort()).toEqual([...expected].sort());
  });

  it('allow the calls on the serving port only', () => {
    expect(allowed(pod('comments'), pod('posts'), 8082)).toBe(true);
    expect(allowed(pod('comments'), pod('posts'), 9082)).toBe(false); // posts' admin port
    expect(allowed(pod('comments'), pod('posts'), 9229)).toBe(false); // an inspector port, say
    expect(allowed(pod('posts'), pod('postgres'), 5432)).toBe(true);
    expect(allowed(pod('posts'), pod('comments'), 8083)).toBe(false);
    expect(allowed(pod('gateway'), pod('postgres'), 5432)).toBe(false);
    expect(allowed(pod('images'), pod('redis'), 6379)).toBe(false);
  });

  it('let the ingress controller reach the gateway\'s public port only', () => {
    expect(allowed(outside.ingressController, pod('gateway'), 8080)).toBe(true);
    expect(allowed(outside.ingressController, pod('gateway'), service('gateway').adminPort), 'the gateway\'s admin port').toBe(false);
    for (const p of platformPods.filter((x) => x.id !== 'gateway')) {
      expect(allowed(outside.ingressController, p, servingPort(p)), p.id).toBe(false);
    }
  });

  it('let Prometheus in namespace monitoring scrape every service\'s admin port, and nothing else', () => {
    for (const s of SERVICES) {
      expect(allowed(outside.prometheus, pod(s.name), s.adminPort), `${s.name} admin port`).toBe(true);
      expect(allowed(outside.prometheus, pod(s.name), s.port), `${s.name} public port`).toBe(false);
    }
    expect(allowed(outside.prometheus, pod('postgres'), 5432)).toBe(false);
    expect(allowed(outside.otherInMonitoring, pod('posts'), service('posts').adminPort)).toBe(false);
    expect(allowed(outside.stranger, pod('posts'), 8082)).toBe(false);
  });

  it('let no pod but Prometheus reach an admin port (probes and /metrics)', () => {
    const others = [...platformPods, outside.ingressController, outside.otherInMonitoring, outside.kubeDns, outside.stranger];
    for (const s of SERVICES) {
      const admin = pod(s.name).ports.find((cp) => cp.name === 'admin');
      expect(admin?.containerPort, `${s.name} declares its admin port`).toBe(s.adminPort);
      for (const src of others) if (src.id !== s.name) expect(allowed(src, pod(s.name), s.adminPort), `${src.id} -> ${s.name}:admin`).toBe(false);
    }
  });

  it('allow DNS to kube-dns from every pod, and no other egress out of the namespace', () => {
    for (const p of platformPods) {
      expect(allowed(p, outside.kubeDns, 53, 'UDP'), p.id).toBe(true);
      expect(allowed(p, outside.kubeDns, 53, 'TCP'), p.id).toBe(true);
      expect(allowed(p, outside.stranger, 53, 'UDP'), p.id).toBe(false);
      expect(allowed(p, outside.stranger, 8080), p.id).toBe(false);
    }
  });
});
