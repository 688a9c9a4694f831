import { arr, at, num, obj, str } from '../model/json.ts';
import type { ManifestObject } from '../model/manifests.ts';
import { sameNamespace } from '../model/workloads.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';

/** The env vars Kubernetes injects for a Service when service links are on. @internal */
export function serviceLinkEnv(service: ManifestObject): string[] {
  const prefix = service.name.toUpperCase().replaceAll('-', '_');
  const names = [`${prefix}_SERVICE_HOST`, `${prefix}_SERVICE_PORT`, `${prefix}_PORT`];
  for (const p of arr(at(service.body, 'spec', 'ports'))) {
    const port = num(obj(p)?.['port']);
    const portName = str(obj(p)?.['name']);
    const proto = (str(obj(p)?.['protocol']) ?? 'TCP').toUpperCase();
    if (portName !== undefined) names.push(`${prefix}_SERVICE_PORT_${portName.toUpperCase().replaceAll('-', '_')}`);
    if (port !== undefined) {
      const base = `${prefix}_PORT_${String(port)}_${proto}`;
      names.push(base, `${base}_PROTO`, `${base}_PORT`, `${base}_ADDR`);
    }
  }
  return names;
}

const LINK_SHAPE = /_(SERVICE_HOST|SERVICE_PORT|PORT|PORT_\d+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)$/;

/** Service-link env vars colliding with the config's env names. */
export const serviceLinksRule: DoctorRule = {
  id: 'service-links',
  title: 'enableServiceLinks does not inject variables the config reads',
  why:
    'With enableServiceLinks (on by default) Kubernetes injects <SERVICE>_PORT=tcp://10.0.0.7:80, <SERVICE>_SERVICE_HOST and more ' +
    'for every Service in the namespace. podkit config reads env vars by name, so a Service named like a config section (posts, ' +
    'admin, redis) makes the service fail validation or run with a value nobody set, after someone else adds a Service.',
  fix: 'Set enableServiceLinks: false in the pod spec (use DNS names for Services instead).',
  settings: ['config definition'],
  check({ objects, containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      if (c.podSpec['enableServiceLinks'] === false || c.definition === undefined) continue;
      const injected = new Map<string, string>();
      for (const svc of objects) {
        if (svc.kind === 'Service' && sameNamespace(svc, c.workload)) for (const name of serviceLinkEnv(svc)) injected.set(name, svc.name);
      }
      const field = `${c.podPath}.enableServiceLinks`;
      const risky: string[] = [];
      for (const f of c.definition.fields) {
        for (const name of f.envNames) {
          if (c.env.has(name) || c.envFrom.has(name)) continue; // an explicit env var wins over a service link
          const service = injected.get(name);
          if (service !== undefined) {
            hits.push({ severity: 'error', object: c.workload, container: c.name, field, message: `the Service ${service} injects ${name}, which the config reads as ${f.key}` });
          } else if (LINK_SHAPE.test(name) && name === name.toUpperCase()) risky.push(name);
        }
      }
      if (risky.length > 0) {
        hits.push({
          severity: 'warning',
          object: c.workload,
          container: c.name,
          field,
          message: `service links are on and the config reads ${risky.join(', ')}: a Service of that name in the namespace would set it`,
        });
      }
    }
    return hits;
  },
};
