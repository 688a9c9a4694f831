import type { DoctorRule, RuleHit } from '../rule.ts';
import { containerProbes, timing } from './probes.ts';

/** Probe periods and timeouts against podkit's check interval and timeout. */
export const probeTimingRule: DoctorRule = {
  id: 'probe-timing',
  title: 'probe periods and timeouts fit podkit\'s health check interval and timeout',
  why:
    'podkit runs checks in the background every check interval (5 s) and probes read the cached result; a probe that finds no ' +
    'fresh result waits for a run, which may take the check timeout (2 s). A probe timeout below the check timeout fails while ' +
    'the check is still running; readiness polled faster than the interval re-reads the same result; a liveness probe that ' +
    'gives up within one check timeout plus an interval can restart a pod for a single slow check.',
  fix: 'Readiness: periodSeconds >= the check interval, timeoutSeconds >= the check timeout. Liveness: failureThreshold x periodSeconds above the check timeout plus the interval.',
  settings: ['checkIntervalMs', 'checkTimeoutMs'],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      for (const p of containerProbes(c)) {
        if (p.path === undefined) continue;
        const t = timing(p.probe);
        const base = { object: c.workload, container: c.name };
        if (p.kind !== 'liveness' && t.timeoutSeconds * 1000 < c.checkTimeoutMs) {
          hits.push({
            ...base,
            severity: 'warning',
            field: `${p.field}.timeoutSeconds`,
            message: `the ${p.kind} probe times out after ${String(t.timeoutSeconds)} s, before podkit's check timeout of ${String(c.checkTimeoutMs / 1000)} s`,
          });
        }
        if (p.kind === 'readiness' && t.periodSeconds * 1000 < c.checkIntervalMs) {
          hits.push({
            ...base,
            severity: 'warning',
            field: `${p.field}.periodSeconds`,
            message: `readiness is polled every ${String(t.periodSeconds)} s, faster than podkit refreshes its checks (every ${String(c.checkIntervalMs / 1000)} s)`,
          });
        }
        const toleranceMs = t.failureThreshold * t.periodSeconds * 1000;
        if (p.kind === 'liveness' && toleranceMs <= c.checkTimeoutMs + c.checkIntervalMs) {
          hits.push({
            ...base,
            severity: 'error',
            field: `${p.field}.failureThreshold`,
            message: `liveness restarts the pod after ${String(t.failureThreshold)} x ${String(t.periodSeconds)} s = ${String(toleranceMs / 1000)} s of failures, not more than one check timeout plus interval (${String((c.checkTimeoutMs + c.checkIntervalMs) / 1000)} s)`,
          });
        }
      }
    }
    return hits;
  },
};
