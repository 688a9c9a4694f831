import { at, num, str } from '../model/json.ts';
import { selects } from '../model/workloads.ts';
import { sameNamespace } from '../model/workloads.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';

/** The lowest replica count of a workload: its HPA's minReplicas, else spec.replicas (default 1). */
function minReplicas(objects: Parameters<DoctorRule['check']>[0]['objects'], workload: { kind: string; name: string; namespace: string | undefined }, replicas: number | undefined): number {
  const hpa = objects.find(
    (o) => o.kind === 'HorizontalPodAutoscaler' && str(at(o.body, 'spec', 'scaleTargetRef', 'kind')) === workload.kind && str(at(o.body, 'spec', 'scaleTargetRef', 'name')) === workload.name,
  );
  return num(at(hpa?.body, 'spec', 'minReplicas')) ?? (hpa === undefined ? (replicas ?? 1) : 1);
}

/** PodDisruptionBudgets that block node drains. */
export const pdbDrainRule: DoctorRule = {
  id: 'pdb-drain',
  title: 'PodDisruptionBudgets let node drains evict the pods, crash-looping ones included',
  why:
    'A node drain evicts pods through the PodDisruptionBudget. A budget that allows no disruption at the lowest replica count ' +
    '(maxUnavailable: 0, minAvailable: 100 % or at least the replicas) blocks every drain and cluster upgrade. With the default ' +
    'unhealthyPodEvictionPolicy (IfHealthyBudget), pods that are running but not ready, such as a crash loop, can only be evicted ' +
    'while the budget is met, which a crash loop prevents: the drain hangs on the broken pods.',
  fix: 'Use maxUnavailable: 1 (not minAvailable) and set unhealthyPodEvictionPolicy: AlwaysAllow (Kubernetes 1.27+, GA in 1.31).',
  settings: [],
  check({ objects, containers }) {
    const hits: RuleHit[] = [];
    for (const pdb of objects) {
      if (pdb.kind !== 'PodDisruptionBudget') continue;
      const selected = containers.filter((c) => sameNamespace(c.workload, pdb) && selects(at(pdb.body, 'spec', 'selector'), c.podLabels));
      const workload = selected[0];
      if (workload === undefined) continue;
      const maxUnavailable = at(pdb.body, 'spec', 'maxUnavailable');
      const minAvailable = at(pdb.body, 'spec', 'minAvailable');
      const replicas = minReplicas(objects, workload.workload, workload.replicas);
      const base = { object: pdb };
      if (maxUnavailable === 0 || maxUnavailable === '0%') {
        hits.push({ ...base, severity: 'error', field: 'spec.maxUnavailable', message: `maxUnavailable ${String(maxUnavailable)} never allows an eviction of ${workload.workload.name}` });
      } else if (minAvailable === '100%' || (typeof minAvailable === 'number' && minAvailable >= replicas)) {
        hits.push({
          ...base,
          severity: 'error',
          field: 'spec.minAvailable',
          message: `minAvailable ${String(minAvailable)} with ${String(replicas)} replica(s) of ${workload.workload.name} at the lowest never allows an eviction`,
        });
      }
      if (str(at(pdb.body, 'spec', 'unhealthyPodEvictionPolicy')) !== 'AlwaysAllow') {
        hits.push({
          ...base,
          severity: 'warning',
          field: 'spec.unhealthyPodEvictionPolicy',
          message: `unhealthyPodEvictionPolicy is ${str(at(pdb.body, 'spec', 'unhealthyPodEvictionPolicy')) ?? 'unset (IfHealthyBudget)'}: crash-looping ${workload.workload.name} pods can block a node drain`,
        });
      }
    }
    return hits;
  },
};
