/**
 * What is specific to this example in how its manifests agree with podkit. The general checks
 * (grace period against the shutdown plan, probe paths, ports and timing against serve() and the
 * health checks, the admin port never routed publicly) are `podkit doctor`'s: doctor.test.ts runs
 * it on these manifests. podkit's health interval is observed, not copied: a real `createHealth()`
 * runs under fake timers.
 */
import { createHealth, planShutdown } from '@podkit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_PORT_NAME, HTTP_PORT_NAME, SERVICES, service } from '../../deploy/platform.ts';
import { GRACE_PERIOD_SECONDS, LIVENESS_PROBE, PROBE_PATHS, READINESS_PROBE, STARTUP_PROBE } from '../../deploy/render/probes.ts';
import { loadDeployedConfig } from './deployed-config.ts';
import type { Json } from './load.ts';
import { find, loadBase, loadKustomization, podSpec, selects } from './load.ts';
import { monitoringDir, shippedConfig } from './prometheus-config.ts';

const base = loadBase();

/** podkit's background interval for a check that does not set one, measured. */
async function measuredCheckIntervalMs(): Promise<number> {
  const health = createHealth();
  const runs: number[] = [];
  health.register({ name: 'probe-cache', check: () => void runs.push(Date.now()) });
  health.start();
  await vi.advanceTimersByTimeAsync(60_000);
  health.close();
  const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
  expect(gaps.length).toBeGreaterThan(2);
  expect(new Set(gaps).size, `regular interval, got gaps ${gaps.join(', ')}`).toBe(1);
  return gaps[0]!;
}

describe('probes agree with podkit health', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('the startup window leaves room for several check runs', async () => {
    const intervalMs = await measuredCheckIntervalMs();
    expect(STARTUP_PROBE.periodSeconds * STARTUP_PROBE.failureThreshold * 1000).toBeGreaterThanOrEqual(6 * intervalMs);
  });

  it('every service Deployment carries these probe settings', () => {
    for (const svc of SERVICES) {
      const [c] = podSpec(find(base, 'Deployment', svc.name)).containers;
      expect(c.startupProbe).toMatchObject(STARTUP_PROBE);
      expect(c.livenessProbe).toMatchObject(LIVENESS_PROBE);
      expect(c.readinessProbe).toMatchObject(READINESS_PROBE);
      expect(podSpec(find(base, 'Deployment', svc.name)).terminationGracePeriodSeconds).toBe(GRACE_PERIOD_SECONDS);
    }
  });
});

/** What Kubernetes adds to every pod's env (podkit detects Kubernetes from it). */
const IN_CLUSTER = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

describe('the gateway\'s shutdown budget', () => {
  it('drains longer than its upstream timeout: a proxied request that got its headers just before SIGTERM can still finish', async () => {
    const { config, env } = await loadDeployedConfig(base, service('gateway'));
    const plan = planShutdown({ gracePeriodMs: config.shutdown.gracePeriod }, { ...env, ...IN_CLUSTER });
    expect(plan.drainTimeoutMs).toBeGreaterThan(config.upstream.timeout as number);
  });
});

/** A Deployment's one container. */
function container(name: string): Json {
  return podSpec(find(base, 'Deployment', name)).containers[0];
}

/** A container port by name, as a number (throws when the container does not declare it). */
function containerPort(c: Json, name: string): number {
  const port = (c.ports as Json[]).find((p) => p.name === name);
  if (port === undefined) throw new Error(`${String(c.name)} declares no container port ${name}`);
  return port.containerPort as number;
}

/**
 * The admin port everywhere it appears: podkit serves the probes and /metrics on the port the
 * service's config reads as `admin.port` (from the Deployment's env) and answers 404 for them on
 * the public port (test/platform/admin-port.test.ts runs that); the manifests must point the
 * kubelet and Prometheus at that port and everything public at the other one.
 */
describe.each(SERVICES.map((s) => [s.name, s] as const))('the admin port of %s, wherever the manifests name it', (name, svc) => {
  it('the service listens where the container ports say: port = http, admin.port = admin (from the Deployment env)', async () => {
    const c = container(name);
    const { config } = await loadDeployedConfig(base, svc);
    // a worker declares no http port (its public port has no API); the env still sets PORT
    expect(config.port).toBe(svc.component === 'worker' ? svc.port : containerPort(c, HTTP_PORT_NAME));
    expect(config.admin.port).toBe(containerPort(c, ADMIN_PORT_NAME));
    expect(config.admin.port).toBe(svc.adminPort);
    expect(config.admin.port).not.toBe(config.port);
  });

  it('its Service exposes the public port only: no other pod and no Ingress can address the admin port', () => {
    if (svc.component === 'worker') {
      // nothing calls a worker: no Service at all
      expect(base.some((l) => l.object.kind === 'Service' && l.object.metadata.name === name)).toBe(false);
      return;
    }
    const service = find(base, 'Service', name);
    const c = container(name);
    for (const p of service.spec.ports as Json[]) {
      const target = p.targetPort ?? p.port;
      const targetNumber = typeof target === 'number' ? target : containerPort(c, target);
      expect(targetNumber, `Service ${name} port ${String(p.name)}`).toBe(containerPort(c, HTTP_PORT_NAME));
    }
  });

  it('Prometheus scrapes it on the admin port: the annotation and the NetworkPolicy say the same port', () => {
    const c = container(name);
    const annotations = find(base, 'Deployment', name).spec.template.metadata.annotations;
    expect(annotations['prometheus.io/port']).toBe(String(containerPort(c, ADMIN_PORT_NAME)));
    expect(annotations['prometheus.io/path']).toBe(PROBE_PATHS.metrics);
    const scrape = find(base, 'NetworkPolicy', 'allow-prometheus-scrape');
    expect(selects(scrape.spec.podSelector, find(base, 'Deployment', name).spec.template.metadata.labels)).toBe(true);
    const ports = (scrape.spec.ingress as Json[]).flatMap((rule) => rule.ports as Json[]);
    expect(ports).toEqual([{ protocol: 'TCP', port: ADMIN_PORT_NAME }]);
  });
});

describe('the public side never reaches an admin port', () => {
  it('the ingress controller is admitted to the gateway\'s public port only', () => {
    const policy = find(base, 'NetworkPolicy', 'gateway');
    const fromController = (policy.spec.ingress as Json[]).filter((rule) =>
      (rule.from as Json[]).some((peer) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'ingress-nginx'),
    );
    expect(fromController).toHaveLength(1);
    const c = container('gateway');
    const ports = (fromController[0].ports as Json[]).map((p) => (typeof p.port === 'number' ? p.port : containerPort(c, p.port)));
    expect(ports).toEqual([containerPort(c, HTTP_PORT_NAME)]);
  });

  it('the shipped Prometheus job keeps the container port named admin, so it can never scrape a public port', () => {
    const job = shippedConfig().scrape_configs.find((j: Json) => j.job_name === 'blog-platform-pods');
    const keep = (job.relabel_configs as Json[]).filter(
      (r) => r.action === 'keep' && (r.source_labels as string[] | undefined)?.includes('__meta_kubernetes_pod_container_port_name'),
    );
    expect(keep).toEqual([{ source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: ADMIN_PORT_NAME, action: 'keep' }]);
    // Nothing rewrites the address afterwards (to the annotated or any other port).
    expect((job.relabel_configs as Json[]).some((r) => r.target_label === '__address__')).toBe(false);
    // The Prometheus the monitoring kustomization runs is the one the NetworkPolicy admits.
    const prometheus = find(loadKustomization(monitoringDir), 'Deployment', 'prometheus');
    const scrape = find(base, 'NetworkPolicy', 'allow-prometheus-scrape');
    const peers = (scrape.spec.ingress as Json[]).flatMap((rule) => rule.from as Json[]);
    expect(peers.some((peer) => selects(peer.podSelector, prometheus.spec.template.metadata.labels))).toBe(true);
  });
});
