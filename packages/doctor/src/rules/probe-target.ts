import type { DoctorRule, RuleHit } from '../rule.ts';
import { containerProbes, probePort, sameEndpoint } from './probes.ts';

/** Probe paths and ports against what `serve()` exposes. */
export const probeTargetRule: DoctorRule = {
  id: 'probe-target',
  title: 'each probe targets the endpoint serve() exposes for it, on the right port',
  why:
    'serve() answers /health (liveness), /ready (readiness) and /startup (startup) on the admin port when one is set (and 404 for ' +
    'them on the main port), else on the main port. A probe on another path or port gets 404 or a refused connection: the pod ' +
    'never becomes ready, or is restarted in a loop. A readiness probe that is not httpGet never sees podkit going unready on ' +
    'SIGTERM, so the pod keeps receiving traffic while it drains.',
  fix: 'Point httpGet at podkit\'s path for that probe and at the admin container port (by name), or set the serve() paths/ports to match.',
  settings: ['port', 'adminPort', 'portKey', 'adminPortKey', 'probes'],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      const probes = containerProbes(c);
      const served = probePort(c);
      const liveness = probes.find((p) => p.kind === 'liveness');
      const readiness = probes.find((p) => p.kind === 'readiness');
      for (const p of probes) {
        const base = { object: c.workload, container: c.name };
        if (p.path === undefined) {
          if (p.kind !== 'liveness') {
            hits.push({ ...base, severity: 'warning', field: p.field, message: `the ${p.kind} probe is not httpGet: it cannot see podkit's ${p.kind} state` });
          }
          continue;
        }
        if (p.port === undefined) {
          hits.push({ ...base, severity: 'error', field: `${p.field}.httpGet.port`, message: `the ${p.kind} probe targets port ${JSON.stringify(p.portSpec)}, which the container does not declare` });
        } else if (p.port !== served.value) {
          const why =
            served.admin && p.port === c.port.value
              ? `the main port, which answers 404 for probes because podkit serves them on the admin port ${String(served.value)} (${served.from})`
              : `but podkit serves probes on ${String(served.value)} (${served.from})`;
          hits.push({ ...base, severity: 'error', field: `${p.field}.httpGet.port`, message: `the ${p.kind} probe targets port ${String(p.port)}, ${why}` });
        }
        // Liveness and readiness on one endpoint are the probe-same-endpoint rule's finding.
        if (p.kind !== 'startup' && sameEndpoint(liveness, readiness)) continue;
        const expected = c.probes[p.kind];
        if (expected === false) {
          hits.push({ ...base, severity: 'error', field: `${p.field}.httpGet.path`, message: `the ${p.kind} probe requests ${p.path}, but the ${p.kind} endpoint is disabled in serve()` });
        } else if (p.path !== expected) {
          hits.push({ ...base, severity: 'error', field: `${p.field}.httpGet.path`, message: `the ${p.kind} probe requests ${p.path}; podkit serves ${p.kind} at ${expected}` });
        }
      }
    }
    return hits;
  },
};
