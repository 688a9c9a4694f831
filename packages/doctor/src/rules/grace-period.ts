import { at, num } from '../model/json.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';
import { preStopSeconds } from './prestop.ts';

const s = (ms: number): string => `${String(ms / 1000)} s`;

/** The pod's grace period against the shutdown plan podkit makes in it. */
export const gracePeriodRule: DoctorRule = {
  id: 'grace-period',
  title: 'terminationGracePeriodSeconds agrees with the shutdown podkit plans',
  why:
    'podkit splits its grace period into propagation delay, drain, hooks and a safety margin. If it plans with more time than the ' +
    'kubelet gives (terminationGracePeriodSeconds, minus a preStop hook, which runs first and counts against it), SIGKILL ends the ' +
    'drain and in-flight requests fail; if the phases cannot fit, podkit refuses to start (ERR_PODKIT_SHUTDOWN_BUDGET).',
  fix: 'Set PODKIT_GRACE_PERIOD_SECONDS in the container env to terminationGracePeriodSeconds (minus any preStop sleep), or raise terminationGracePeriodSeconds.',
  settings: ['gracePeriodKey', 'shutdown'],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      const field = `${c.podPath}.terminationGracePeriodSeconds`;
      const graceS = num(at(c.podSpec, 'terminationGracePeriodSeconds')) ?? 30;
      const preStopS = preStopSeconds(c);
      const afterPreStopMs = (graceS - preStopS) * 1000;
      const base = { object: c.workload, container: c.name, field };
      const { plan } = c;
      if (!plan.ok) {
        hits.push({ ...base, severity: 'error', message: `podkit cannot plan a shutdown in ${s(plan.gracePeriodMs)} (${plan.gracePeriodSource}): ${plan.reason}; the service will refuse to start` });
        continue;
      }
      const gave = preStopS > 0 ? `${String(graceS)} s minus the ${String(preStopS)} s preStop sleep = ${s(afterPreStopMs)}` : `${String(graceS)} s`;
      if (plan.gracePeriodMs > afterPreStopMs) {
        hits.push({
          ...base,
          severity: 'error',
          message: `podkit plans its shutdown for ${s(plan.gracePeriodMs)} (${plan.gracePeriodSource}) but SIGKILL comes ${gave} after SIGTERM`,
        });
      } else if (plan.gracePeriodMs < afterPreStopMs) {
        hits.push({
          ...base,
          severity: 'warning',
          message: `podkit plans its shutdown for ${s(plan.gracePeriodMs)} (${plan.gracePeriodSource}) but the pod allows ${gave}: the drain is cut short for nothing`,
        });
      }
    }
    return hits;
  },
};
