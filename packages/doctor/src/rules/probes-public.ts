import { arr, at, num, obj, str } from '../model/json.ts';
import type { ManifestObject } from '../model/manifests.ts';
import type { PodkitContainer } from '../model/service.ts';
import { resolvePort, sameNamespace, selects } from '../model/workloads.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';
import { probePort } from './probes.ts';

/** One route to a Service port: the path it matches and the field naming the backend. @internal */
interface Route {
  readonly service: string;
  readonly port: number | string | undefined;
  readonly path: string;
  readonly exact: boolean;
  readonly field: string;
}

function ingressRoutes(o: ManifestObject): Route[] {
  const routes: Route[] = [];
  const backend = (b: unknown, path: string, exact: boolean, field: string): void => {
    const name = str(at(b, 'service', 'name'));
    if (name !== undefined) routes.push({ service: name, port: num(at(b, 'service', 'port', 'number')) ?? str(at(b, 'service', 'port', 'name')), path, exact, field });
  };
  backend(at(o.body, 'spec', 'defaultBackend'), '/', false, 'spec.defaultBackend');
  arr(at(o.body, 'spec', 'rules')).forEach((r, i) => {
    arr(at(r, 'http', 'paths')).forEach((p, j) => {
      backend(obj(p)?.['backend'], str(obj(p)?.['path']) ?? '/', str(obj(p)?.['pathType']) === 'Exact', `spec.rules[${String(i)}].http.paths[${String(j)}].backend`);
    });
  });
  return routes;
}

function httpRouteRoutes(o: ManifestObject): Route[] {
  const routes: Route[] = [];
  arr(at(o.body, 'spec', 'rules')).forEach((r, i) => {
    const matches = arr(obj(r)?.['matches']);
    const paths = matches.length === 0 ? [{ value: '/', exact: false }] : matches.map((m) => ({ value: str(at(m, 'path', 'value')) ?? '/', exact: str(at(m, 'path', 'type')) === 'Exact' }));
    arr(obj(r)?.['backendRefs']).forEach((b, j) => {
      const ref = obj(b);
      if ((str(ref?.['kind']) ?? 'Service') !== 'Service' || str(ref?.['name']) === undefined) return;
      for (const p of paths) routes.push({ service: str(ref?.['name'])!, port: num(ref?.['port']), path: p.value, exact: p.exact, field: `spec.rules[${String(i)}].backendRefs[${String(j)}]` });
    });
  });
  return routes;
}

/** Whether a route matching `route.path` reaches `path` (prefix by path segments, or exact). */
function covers(route: Route, path: string): boolean {
  if (route.exact) return route.path === path;
  const prefix = route.path.endsWith('/') ? route.path : `${route.path}/`;
  return route.path === '/' || path === route.path || path.startsWith(prefix);
}

/** The container port a Service port sends `route` to, for a container the Service selects. */
function targetPort(service: ManifestObject, route: Route, c: PodkitContainer): number | undefined {
  for (const p of arr(at(service.body, 'spec', 'ports'))) {
    const sp = obj(p);
    if (route.port !== undefined && sp?.['port'] !== route.port && sp?.['name'] !== route.port) continue;
    return resolvePort(c.container, sp?.['targetPort'] ?? sp?.['port']);
  }
  return undefined;
}

/** Probes or /metrics reachable through an Ingress or HTTPRoute. */
export const probesPublicRule: DoctorRule = {
  id: 'probes-public',
  title: 'no Ingress or HTTPRoute reaches the probes, /metrics or the admin port',
  why:
    'Probe bodies and /metrics describe the service\'s internals (check names, dependency errors, route names, runtime figures) ' +
    'and answering them costs work: they are for the kubelet and Prometheus on the pod IP, not for the internet. With an admin ' +
    'port podkit serves them only there; without one they are on the main port, next to the API.',
  fix: 'Give serve() an adminPort, declare it as a container port named admin that the Service does not expose, and route only the main port publicly.',
  settings: ['port', 'adminPort', 'probes'],
  check({ objects, containers }) {
    const hits: RuleHit[] = [];
    for (const route of objects) {
      const routes = route.kind === 'Ingress' ? ingressRoutes(route) : route.kind === 'HTTPRoute' ? httpRouteRoutes(route) : [];
      for (const r of routes) {
        const service = objects.find((o) => o.kind === 'Service' && o.name === r.service && sameNamespace(o, route));
        if (service === undefined) continue;
        for (const c of containers) {
          if (!sameNamespace(c.workload, service) || !selects(at(service.body, 'spec', 'selector'), c.podLabels, true)) continue;
          const target = targetPort(service, r, c);
          const served = probePort(c);
          if (target === undefined || target !== served.value) continue;
          const paths = Object.values(c.probes).filter((p): p is string => p !== false && covers(r, p));
          if (served.admin) {
            hits.push({ severity: 'error', object: route, field: r.field, message: `routes to the Service ${service.name}, port ${String(target)}: the admin port of ${c.workload.name} (probes and /metrics)` });
          } else if (paths.length > 0) {
            hits.push({
              severity: 'warning',
              object: route,
              field: r.field,
              message: `${r.path} reaches ${paths.join(', ')} of ${c.workload.name}: podkit serves them on the main port ${String(target)} (no admin port)`,
            });
          }
        }
      }
    }
    return hits;
  },
};
