import { at } from '../model/json.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';

/** Containers without memory requests or limits. */
export const memoryResourcesRule: DoctorRule = {
  id: 'memory-resources',
  title: 'containers set memory requests and limits',
  why:
    'Without a memory request the scheduler may pack the pod onto a full node and it is the first evicted under memory pressure. ' +
    'Without a limit, Node.js sizes its heap from the node\'s memory instead of the container\'s (it reads the cgroup limit), so ' +
    'the heap may grow far past what was requested before the garbage collector works hard.',
  fix: 'Set resources.requests.memory and resources.limits.memory (measure the service under load; limit = request is simplest).',
  settings: [],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      for (const kind of ['requests', 'limits'] as const) {
        if (at(c.container, 'resources', kind, 'memory') !== undefined) continue;
        hits.push({ severity: 'warning', object: c.workload, container: c.name, field: `${c.path}.resources.${kind}.memory`, message: `no memory ${kind === 'requests' ? 'request' : 'limit'}` });
      }
    }
    return hits;
  },
};
