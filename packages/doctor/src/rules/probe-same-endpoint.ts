import type { DoctorRule, RuleHit } from '../rule.ts';
import { containerProbes, sameEndpoint } from './probes.ts';

/** Liveness and readiness on one endpoint. */
export const probeSameEndpointRule: DoctorRule = {
  id: 'probe-same-endpoint',
  title: 'liveness and readiness use different endpoints',
  why:
    'Readiness goes down when a dependency fails and for the whole drain after SIGTERM; liveness must stay up then. On one ' +
    'endpoint, a database outage restarts every pod at once, and the kubelet kills pods in the middle of their drain.',
  fix: 'Point livenessProbe at podkit\'s liveness path (/health) and readinessProbe at its readiness path (/ready).',
  settings: ['probes'],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      const probes = containerProbes(c);
      const liveness = probes.find((p) => p.kind === 'liveness');
      const readiness = probes.find((p) => p.kind === 'readiness');
      if (!sameEndpoint(liveness, readiness)) continue;
      hits.push({
        severity: 'error',
        object: c.workload,
        container: c.name,
        field: `${liveness!.field}.httpGet`,
        message: `livenessProbe and readinessProbe both request ${liveness!.path!} on port ${String(liveness!.port)}`,
      });
    }
    return hits;
  },
};
