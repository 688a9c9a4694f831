import type { LoadReport, OutcomeCounts, RequestFailure } from './load.ts';
import type { ProbeFailures, SimulatedPod } from './pod.ts';

/** One pod in a {@link RolloutReport}. */
export interface PodReport {
  readonly name: string;
  readonly deployment: string;
  readonly revision: number;
  /** ms from spawn to first Ready (startup time; `undefined` if it never was). */
  readonly readyAfterMs: number | undefined;
  /** Exit code of its last process (`null` when a signal ended it or it still runs). */
  readonly exitCode: number | null;
  /** Signal that ended its last process (`SIGKILL` after the grace period), if any. */
  readonly signal: NodeJS.Signals | null;
  /** SIGKILLed at `terminationGracePeriodSeconds`. */
  readonly killed: boolean;
  /** ms from SIGTERM to exit (`undefined` when it was not deleted). */
  readonly exitAfterMs: number | undefined;
  /** `terminationGracePeriodSeconds` in ms. */
  readonly gracePeriodMs: number;
  readonly restarts: number;
  readonly probeFailures: Readonly<ProbeFailures>;
  /** The last output lines, for pods that were killed, restarted or exited non-zero. */
  readonly logTail: readonly string[];
}

/** What a simulated rollout saw. */
export interface RolloutReport {
  /** Requests by outcome (ok, 5xx, reset, refused, timeout, unexpected, error) and in total. */
  readonly requests: OutcomeCounts;
  /** Failed requests (the first 100), with the pod when known. */
  readonly failures: readonly RequestFailure[];
  /** Every pod, initial and new. */
  readonly pods: readonly PodReport[];
  /** Container restarts, all pods. */
  readonly restarts: number;
  /** Probe failures, all pods. */
  readonly probeFailures: Readonly<ProbeFailures>;
  /** Pods SIGKILLed at the grace period. */
  readonly sigkills: number;
  /** Wall time of the simulation in ms. */
  readonly durationMs: number;
}

/** Builds the report from the pods and the load. @internal */
export function buildReport(pods: readonly SimulatedPod[], load: LoadReport, durationMs: number): RolloutReport {
  const reports: PodReport[] = pods.map((p) => {
    const troubled = p.killed || p.restarts > 0 || (p.exit !== undefined && p.exit.code !== 0);
    return {
      name: p.name,
      deployment: p.deployment,
      revision: p.revision,
      readyAfterMs: p.readyAfterMs === undefined ? undefined : Math.round(p.readyAfterMs),
      exitCode: p.exit?.code ?? null,
      signal: p.exit?.signal ?? null,
      killed: p.killed,
      exitAfterMs: p.exitAfterMs === undefined ? undefined : Math.round(p.exitAfterMs),
      gracePeriodMs: p.gracePeriodMs,
      restarts: p.restarts,
      probeFailures: { ...p.probeFailures },
      logTail: troubled ? p.logs.slice(-20) : [],
    };
  });
  const probeFailures = { startup: 0, readiness: 0, liveness: 0 };
  for (const p of reports) {
    probeFailures.startup += p.probeFailures.startup;
    probeFailures.readiness += p.probeFailures.readiness;
    probeFailures.liveness += p.probeFailures.liveness;
  }
  return {
    requests: load.requests,
    failures: load.failures,
    pods: reports,
    restarts: reports.reduce((n, p) => n + p.restarts, 0),
    probeFailures,
    sigkills: reports.filter((p) => p.killed).length,
    durationMs: Math.round(durationMs),
  };
}
