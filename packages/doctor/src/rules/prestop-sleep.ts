import type { DoctorRule, RuleHit } from '../rule.ts';
import { preStopSeconds } from './prestop.ts';

/** A preStop sleep on top of podkit's own propagation delay. */
export const preStopSleepRule: DoctorRule = {
  id: 'prestop-sleep',
  title: 'no preStop sleep on top of podkit\'s propagation delay',
  why:
    'After SIGTERM podkit keeps serving for its propagation delay (5 s in a pod) while endpoint removal propagates: that is the ' +
    'preStop sleep, inside its budget. A preStop sleep as well waits twice, and Kubernetes counts the sleep against ' +
    'terminationGracePeriodSeconds, so the drain and hooks get less time than podkit planned.',
  fix: 'Remove the preStop sleep; or keep it, pass propagationDelayMs: 0 to podkit and subtract the sleep from PODKIT_GRACE_PERIOD_SECONDS.',
  settings: ['shutdown.propagationDelayMs'],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      const sleepS = preStopSeconds(c);
      if (sleepS === 0 || !c.plan.ok || c.plan.propagationDelayMs === 0) continue;
      hits.push({
        severity: 'warning',
        object: c.workload,
        container: c.name,
        field: `${c.path}.lifecycle.preStop`,
        message: `preStop sleeps ${String(sleepS)} s and podkit then waits its ${String(c.plan.propagationDelayMs / 1000)} s propagation delay: the wait is counted twice`,
      });
    }
    return hits;
  },
};
