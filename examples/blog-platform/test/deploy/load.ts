/**
 * Loads the deployment's manifests the way kustomize does for the base (resources listed in
 * kustomization.yaml, namespace applied), keeping the file each object came from.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The example's root, the deploy directory and the repository root. */
export const exampleDir: string = path.resolve(import.meta.dirname, '../..');
export const deployDir: string = path.join(exampleDir, 'deploy');
export const repoRoot: string = path.resolve(exampleDir, '../..');

/** Parsed YAML, walked dynamically by the tests. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arbitrary parsed manifests
export type Json = any;

/** A parsed Kubernetes object (loosely typed: tests look inside with care). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Json;
  [key: string]: Json;
}

/** One object and where it came from. */
export interface Loaded {
  readonly file: string;
  readonly object: Manifest;
}

/** Parses every YAML document of a file (empty documents skipped); throws on a YAML error. */
export function parseYamlFile(file: string): Manifest[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { prettyErrors: true });
  const out: Manifest[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS() as Manifest | null;
    if (value !== null) out.push(value);
  }
  return out;
}

/** The parsed kustomization.yaml of a directory. */
export function readKustomization(dir: string): Record<string, Json> {
  const [k] = parseYamlFile(path.join(dir, 'kustomization.yaml')) as unknown as Record<string, Json>[];
  if (k === undefined) throw new Error(`${dir}/kustomization.yaml is empty`);
  return k;
}

/** Loads the objects of a kustomization's `resources` (files and nested bases), applying `namespace`. */
export function loadKustomization(dir: string): Loaded[] {
  const k = readKustomization(dir);
  const out: Loaded[] = [];
  for (const res of (k['resources'] ?? []) as string[]) {
    const target = path.resolve(dir, res);
    if (!existsSync(target)) throw new Error(`${dir}/kustomization.yaml lists ${res}, which does not exist`);
    if (statSync(target).isDirectory()) out.push(...loadKustomization(target));
    else for (const object of parseYamlFile(target)) out.push({ file: path.relative(deployDir, target), object });
  }
  const namespace = k['namespace'] as string | undefined;
  if (namespace !== undefined) {
    for (const { object } of out) if (object.kind !== 'Namespace') object.metadata.namespace = namespace;
  }
  return out;
}

/** The base's objects. */
export function loadBase(): Loaded[] {
  return loadKustomization(path.join(deployDir, 'base'));
}

/** Finds one object by kind and name, or fails the test with a clear message. */
export function find(objects: readonly Loaded[], kind: string, name: string): Manifest {
  const found = objects.find((o) => o.object.kind === kind && o.object.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name} in the manifests`);
  return found.object;
}

/** Kinds that run pods, and where their pod template is. */
export const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/** The pod template spec of a workload. */
export function podSpec(m: Manifest): Json {
  return m.spec.template.spec;
}

/** Does a Kubernetes label selector (matchLabels + matchExpressions) select these labels? */
export function selects(selector: { matchLabels?: Record<string, string>; matchExpressions?: Json[] } | undefined, labels: Record<string, string>): boolean {
  if (selector === undefined) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In': if (!has || !e.values.includes(value)) return false; break;
      case 'NotIn': if (has && e.values.includes(value)) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: throw new Error(`unknown selector operator ${e.operator}`);
    }
  }
  return true;
}
