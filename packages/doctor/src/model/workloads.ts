import { arr, at, labels, num, obj, str, type JsonObject } from './json.ts';
import type { ManifestObject } from './manifests.ts';

/** One container of a pod template, with the paths findings point at. */
export interface PodContainer {
  /** The Pod, Deployment, StatefulSet, DaemonSet or ReplicaSet. */
  readonly workload: ManifestObject;
  /** The pod spec (`spec` of a Pod, `spec.template.spec` of a Deployment). */
  readonly podSpec: JsonObject;
  /** Path of the pod spec in the workload, e.g. `spec.template.spec`. */
  readonly podPath: string;
  /** Labels of the pods it creates. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The container as parsed. */
  readonly container: JsonObject;
  /** The container's name. */
  readonly name: string;
  /** Path of the container, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
  /** `spec.replicas` of the workload (`undefined` when unset). */
  readonly replicas: number | undefined;
}

const TEMPLATED = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/** Every container of every Pod, Deployment, StatefulSet, DaemonSet and ReplicaSet. @internal */
export function podContainers(objects: readonly ManifestObject[]): PodContainer[] {
  const out: PodContainer[] = [];
  for (const workload of objects) {
    let podSpec: JsonObject | undefined;
    let podPath: string;
    let podLabels: Readonly<Record<string, string>>;
    if (workload.kind === 'Pod') {
      podSpec = obj(workload.body['spec']);
      podPath = 'spec';
      podLabels = labels(at(workload.body, 'metadata', 'labels'));
    } else if (TEMPLATED.has(workload.kind)) {
      podSpec = obj(at(workload.body, 'spec', 'template', 'spec'));
      podPath = 'spec.template.spec';
      podLabels = labels(at(workload.body, 'spec', 'template', 'metadata', 'labels'));
    } else continue;
    if (podSpec === undefined) continue;
    const replicas = num(at(workload.body, 'spec', 'replicas'));
    arr(podSpec['containers']).forEach((c, i) => {
      const container = obj(c);
      if (container === undefined) return;
      const name = str(container['name']) ?? String(i);
      out.push({ workload, podSpec: podSpec, podPath, podLabels, container, name, path: `${podPath}.containers[${String(i)}]`, replicas });
    });
  }
  return out;
}

/** Whether a label selector (`matchLabels` / `matchExpressions`, or a Service's plain map) selects `podLabels`. @internal */
export function selects(selector: unknown, podLabels: Readonly<Record<string, string>>, plain = false): boolean {
  const s = obj(selector);
  if (s === undefined) return false;
  const matchLabels = plain ? labels(s) : labels(s['matchLabels']);
  const expressions = plain ? [] : arr(s['matchExpressions']);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return !plain;
  for (const [k, v] of Object.entries(matchLabels)) if (podLabels[k] !== v) return false;
  for (const e of expressions) {
    const key = str(obj(e)?.['key']) ?? '';
    const values = arr(obj(e)?.['values']).filter((v): v is string => typeof v === 'string');
    const op = str(obj(e)?.['operator']);
    const has = key in podLabels;
    if (op === 'In' && !(has && values.includes(podLabels[key]!))) return false;
    if (op === 'NotIn' && has && values.includes(podLabels[key]!)) return false;
    if (op === 'Exists' && !has) return false;
    if (op === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** The container port `port` (a number or a port name) refers to, or `undefined` for an unknown name. @internal */
export function resolvePort(container: JsonObject, port: unknown): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port !== 'string') return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  for (const p of arr(container['ports'])) if (str(obj(p)?.['name']) === port) return num(obj(p)?.['containerPort']);
  return undefined;
}

/** `kind/name` (with the namespace when set), as findings name an object. @internal */
export function objectRef(o: ManifestObject): string {
  return o.namespace === undefined ? `${o.kind}/${o.name}` : `${o.kind}/${o.namespace}/${o.name}`;
}

/** Whether two objects are in the same namespace (an unset namespace matches any: the one they are applied to). @internal */
export function sameNamespace(a: ManifestObject, b: ManifestObject): boolean {
  return a.namespace === undefined || b.namespace === undefined || a.namespace === b.namespace;
}
