// The rollout simulator on a real podkit service (child processes, real SIGTERM): a service that
// drains correctly rolls with no failed request; one without a propagation delay loses requests
// to the endpoint lag; one whose grace period is shorter than its shutdown is SIGKILLed.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCluster, RolloutTimeoutError, simulateRollout, type RolloutReport, type SimulateRolloutOptions } from '../src/index.ts';

const fixture = fileURLToPath(new URL('./fixtures/service.ts', import.meta.url));
const manifest = fileURLToPath(new URL('./fixtures/deployment.yaml', import.meta.url));

const base: SimulateRolloutOptions = {
  name: 'fixture',
  start: { module: fixture, nodeArgs: ['--conditions=@podkit/source'] },
  manifest,
  // the manifest's periods, shortened for a test
  overrides: { probes: { periodSeconds: 0.2, timeoutSeconds: 1 } },
  endpointLagMs: 300,
  load: {
    concurrency: 4,
    pauseMs: 0,
    requests: [{ path: '/items' }, { method: 'POST', path: '/items', headers: { 'idempotency-key': 'k' }, body: { name: 'x' }, expect: (status) => status === 201 }],
  },
  warmupRequests: 100,
  cooldownRequests: 100,
};

function summary(label: string, r: RolloutReport): void {
  const pods = r.pods.map((p) => `${p.name}: ${p.signal ?? String(p.exitCode)} after ${String(p.exitAfterMs)} ms`).join('; ');
  console.info(`${label}: ${JSON.stringify(r.requests)}; sigkills ${String(r.sigkills)}; ${pods}; ${String(r.durationMs)} ms`);
}

describe('simulateRollout', () => {
  it('reports no failed request and a clean exit for a service whose propagation delay covers the endpoint lag', { timeout: 90_000 }, async () => {
    const report = await simulateRollout({ ...base, env: { DELAY_MS: '1500', GRACE_MS: '10000' } });
    summary('clean rollout', report);
    expect(report.failures).toEqual([]);
    expect(report.requests.total).toBe(report.requests.ok);
    expect(report.requests.total).toBeGreaterThanOrEqual(200);
    const old = report.pods.filter((p) => p.revision === 1);
    const fresh = report.pods.filter((p) => p.revision === 2);
    expect(old).toHaveLength(2);
    expect(fresh).toHaveLength(2);
    for (const p of old) {
      expect(p).toMatchObject({ exitCode: 0, signal: null, killed: false, restarts: 0, gracePeriodMs: 10_000 });
      expect(p.exitAfterMs).toBeGreaterThanOrEqual(1500);
      expect(p.exitAfterMs).toBeLessThan(p.gracePeriodMs);
    }
    expect({ sigkills: report.sigkills, restarts: report.restarts, liveness: report.probeFailures.liveness }).toEqual({ sigkills: 0, restarts: 0, liveness: 0 });
  });

  it('reports the failed requests of a service with no propagation delay', { timeout: 90_000 }, async () => {
    const report = await simulateRollout({ ...base, endpointLagMs: 1500, env: { DELAY_MS: '0', GRACE_MS: '10000' } });
    summary('no propagation delay', report);
    expect(report.requests.ok).toBeGreaterThan(0);
    expect(report.requests.refused + report.requests.reset).toBeGreaterThan(0);
    expect(report.failures.length).toBeGreaterThan(0);
    expect(report.failures.every((f) => f.pod === undefined || f.pod.startsWith('fixture-r1-'))).toBe(true);
  });

  it('reports the SIGKILL of a pod whose shutdown outlasts terminationGracePeriodSeconds', { timeout: 90_000 }, async () => {
    // the service believes it has 10 s (delay 3 s); the pod gets 1 s, and its requests take
    // 1.5 s. podkit's own drain moves idle keep-alive clients off in time, so what fails are the
    // requests still running at the SIGKILL: a client that never retries sees them cut.
    const report = await simulateRollout({
      ...base,
      load: { ...base.load, concurrency: 8, retryReusedConnectionResets: false },
      warmupRequests: 8,
      cooldownRequests: 8,
      overrides: { ...base.overrides, terminationGracePeriodSeconds: 1 },
      // every request still working at SIGTERM runs 2 s more: past the 1 s grace, whatever its phase
      env: { DELAY_MS: '3000', GRACE_MS: '10000', WORK_MS: '1500', DRAIN_WORK_MS: '2000' },
    });
    summary('grace too short', report);
    const old = report.pods.filter((p) => p.revision === 1);
    expect(old.map((p) => ({ killed: p.killed, signal: p.signal }))).toEqual([
      { killed: true, signal: 'SIGKILL' },
      { killed: true, signal: 'SIGKILL' },
    ]);
    expect(report.sigkills).toBe(2);
    expect(report.requests.reset).toBeGreaterThan(0);
    expect(report.failures.filter((f) => f.outcome === 'reset').every((f) => f.pod?.startsWith('fixture-r1-'))).toBe(true);
    for (const p of old) expect(p.exitAfterMs).toBeGreaterThanOrEqual(1000);
  });
});

describe('createCluster', () => {
  it('restarts a container whose liveness probe fails, and counts the probe failures and the restart', { timeout: 90_000 }, async () => {
    const cluster = createCluster({ endpointLagMs: 100 });
    try {
      const d = await cluster.deploy({
        name: 'stuck',
        start: base.start,
        manifest,
        overrides: { replicas: 1, probes: { periodSeconds: 0.1 }, terminationGracePeriodSeconds: 6 },
        env: { DELAY_MS: '0', GRACE_MS: '5000', LIVENESS_FAILS_AFTER_MS: '3000' },
        restartDelayMs: 0,
      }, { timeoutMs: 60_000 });
      const pod = d.pods[0]!;
      await expect.poll(() => pod.restarts, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(1);
      expect(pod.probeFailures.liveness).toBeGreaterThanOrEqual(3);
      const report = cluster.report({ requests: { total: 0, retried: 0, ok: 0, '5xx': 0, reset: 0, refused: 0, timeout: 0, unexpected: 0, error: 0 }, failures: [] });
      expect(report.restarts).toBeGreaterThanOrEqual(1);
      expect(report.pods[0]?.logTail.length).toBeGreaterThan(0); // a restarted pod's last output is kept
    } finally {
      await cluster.close();
    }
  });

  it('fails a deploy whose pods crash-loop with RolloutTimeoutError, quoting their state', { timeout: 60_000 }, async () => {
    const cluster = createCluster();
    try {
      // a grace period the service's own shutdown budget cannot fit: it exits 78 at startup
      const deploy = cluster.deploy({ name: 'crash', start: base.start, manifest, env: { DELAY_MS: '0', GRACE_MS: '2000' }, restartDelayMs: 100 }, { timeoutMs: 5_000 });
      await expect(deploy).rejects.toThrow(RolloutTimeoutError);
      await expect(deploy).rejects.toThrow(/deployment crash: crash-r1-1 starting \(\d+ restarts\).* not done after 5000 ms/);
    } finally {
      await cluster.close();
    }
  });
});
