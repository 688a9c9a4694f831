/**
 * The probe settings and grace period of the manifests agree with what podkit actually does.
 * podkit's health defaults are observed, not copied: a real `createHealth()` runs under fake
 * timers, and the test measures how often it re-runs a check (the background interval probes
 * read the cache of) and when it gives up on a hung one (the check timeout). The shutdown budget
 * is podkit's own `planShutdown`, fed with what a pod of these manifests gets.
 */
import { GRACE_PERIOD_ENV, createHealth, planShutdown } from '@podkit/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SERVICES } from '../../deploy/platform.ts';
import { GRACE_PERIOD_SECONDS, LIVENESS_PROBE, READINESS_PROBE, STARTUP_PROBE } from '../../deploy/render/probes.ts';
import { loadDeployedConfig } from './deployed-config.ts';
import { find, loadBase, podSpec } from './load.ts';

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

/** podkit's timeout for a hung check that does not set one, measured. */
async function measuredCheckTimeoutMs(): Promise<number> {
  const health = createHealth();
  health.register({ name: 'hung', check: () => new Promise(() => {}) });
  const started = Date.now();
  let settledAt: number | undefined;
  void health.run('hung').then(() => (settledAt = Date.now()));
  for (let i = 0; i < 600 && settledAt === undefined; i++) await vi.advanceTimersByTimeAsync(100);
  health.close();
  expect(settledAt, 'a hung check settles (fails) after its timeout').toBeDefined();
  return settledAt! - started;
}

describe('probes agree with podkit health', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('readiness is polled exactly as often as podkit refreshes its cached results', async () => {
    const intervalMs = await measuredCheckIntervalMs();
    expect(READINESS_PROBE.periodSeconds * 1000).toBe(intervalMs);
  });

  it('a single hung check can never restart a pod: liveness tolerates more than a check timeout plus an interval', async () => {
    const intervalMs = await measuredCheckIntervalMs();
    const timeoutMs = await measuredCheckTimeoutMs();
    const livenessToleranceMs = LIVENESS_PROBE.failureThreshold * LIVENESS_PROBE.periodSeconds * 1000;
    expect(livenessToleranceMs).toBeGreaterThan(timeoutMs + intervalMs);
    // Probes answer from cache; their timeout only has to outlast a busy event loop, and a
    // readiness failure must come from a failed check, not from waiting on one.
    expect(READINESS_PROBE.timeoutSeconds * 1000).toBeGreaterThanOrEqual(timeoutMs);
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

describe.each(SERVICES.map((s) => [s.name, s] as const))('shutdown budget of %s agrees with its pod', (name, svc) => {
  it('podkit plans with exactly terminationGracePeriodSeconds, and the phases fit', async () => {
    const grace = podSpec(find(base, 'Deployment', name)).terminationGracePeriodSeconds as number;
    const { config, env } = await loadDeployedConfig(base, svc);
    // As the service calls it: the config's grace period as an option, the pod's env around it.
    const plan = planShutdown({ gracePeriodMs: config.shutdown.gracePeriod }, { ...env, ...IN_CLUSTER });
    expect(plan.gracePeriodMs).toBe(grace * 1000);
    expect(plan.propagationDelayMs, 'in a cluster podkit waits for endpoint removal to propagate').toBe(5000);
    expect(plan.propagationDelayMs + plan.drainTimeoutMs + plan.hooksTimeoutMs + plan.safetyMarginMs).toBeLessThanOrEqual(grace * 1000);
    // Without the option, podkit reads the env var the Deployment sets: the same number.
    const fromEnv = planShutdown({}, { ...env, ...IN_CLUSTER });
    expect(fromEnv.gracePeriodSource).toBe(`env ${GRACE_PERIOD_ENV}`);
    expect(fromEnv.gracePeriodMs).toBe(grace * 1000);
    if (name === 'gateway') {
      // A proxied request that got its headers just before SIGTERM can still finish while draining.
      expect(plan.drainTimeoutMs).toBeGreaterThan(config.upstream.timeout as number);
    }
  });
});
