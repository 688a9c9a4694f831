import { createCluster, type ClusterOptions } from './cluster.ts';
import type { DeploymentSpec } from './deployment.ts';
import type { LoadOptions } from './load.ts';
import type { RolloutReport } from './report.ts';

/** Options for {@link simulateRollout}: one Deployment, its load, and the rollout. */
export interface SimulateRolloutOptions extends DeploymentSpec, ClusterOptions {
  /** The keep-alive load driven through the Service during the rollout. */
  readonly load: LoadOptions;
  /** Requests completed before the rollout starts. @default 50 */
  readonly warmupRequests?: number;
  /** Requests completed after the rollout finished, before the load stops. @default 50 */
  readonly cooldownRequests?: number;
  /** Environment changes of the new revision. */
  readonly rolloutEnv?: Readonly<Record<string, string | undefined>>;
  /** Deploy and rollout time limits. @default 120000 each */
  readonly timeoutMs?: number;
}

/**
 * Runs a Deployment's replicas as child processes behind a simulated Service, drives a
 * keep-alive load through it, rolls out a new revision, and reports what the clients saw and how
 * each pod ended. Every pod is killed before it resolves.
 *
 * @throws `ManifestError`, `RolloutTimeoutError` (new pods never became Ready)
 * @example
 * ```ts
 * const report = await simulateRollout({
 *   name: 'orders',
 *   start: { module: 'src/main.ts' },
 *   manifest: 'deploy/orders.yaml',
 *   overrides: { probes: { periodSeconds: 0.5 } },
 *   load: { requests: [{ path: '/orders' }, { method: 'POST', path: '/orders', body: { item: 'x' } }] },
 * });
 * expect(report.requests.total).toBe(report.requests.ok);
 * expect(report.sigkills).toBe(0);
 * ```
 */
export async function simulateRollout(options: SimulateRolloutOptions): Promise<RolloutReport> {
  const cluster = createCluster(options);
  try {
    await cluster.deploy(options, { timeoutMs: options.timeoutMs });
    const load = await cluster.startLoad(options.name, options.load);
    let report: RolloutReport;
    try {
      await load.waitFor(options.warmupRequests ?? 50);
      await cluster.rollout([options.name], { env: options.rolloutEnv, timeoutMs: options.timeoutMs });
      await load.waitFor(options.cooldownRequests ?? 50);
    } finally {
      report = cluster.report(await load.stop());
    }
    return report;
  } finally {
    await cluster.close();
  }
}
