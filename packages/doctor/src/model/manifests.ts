import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DoctorInputError } from '../errors.ts';
import { obj, str, type JsonObject } from './json.ts';

/** One Kubernetes object read from a manifest, and where it came from. */
export interface ManifestObject {
  /** `apiVersion` of the object. */
  readonly apiVersion: string;
  /** `kind` of the object, e.g. `Deployment`. */
  readonly kind: string;
  /** `metadata.name`. */
  readonly name: string;
  /** `metadata.namespace`, or `undefined` (the namespace it is applied to). */
  readonly namespace: string | undefined;
  /** The file it was read from, or `<stdin>`. */
  readonly source: string;
  /** The whole parsed object. */
  readonly body: JsonObject;
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** Documents that are build inputs, not cluster objects. */
const NOT_APPLIED = new Set(['Kustomization', 'Component']);

/**
 * Parses every YAML (or JSON) document of `text`, keeping Kubernetes objects (`List` items
 * included) and skipping empty documents and kustomize's own files.
 *
 * @param text - the manifest text, e.g. the output of `kubectl kustomize`
 * @param source - the file name (or `<stdin>`) reported in findings and errors
 * @throws DoctorInputError on a YAML syntax error or a document without `kind` and `metadata.name`
 * @example
 * ```ts
 * const objects = parseManifests(execFileSync('kubectl', ['kustomize', 'deploy'], { encoding: 'utf8' }), '<kustomize>');
 * ```
 */
export function parseManifests(text: string, source: string): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new DoctorInputError(source, `invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    collect(doc.toJS() as unknown, source, out);
  }
  return out;
}

function collect(value: unknown, source: string, out: ManifestObject[]): void {
  if (value === null || value === undefined) return;
  const body = obj(value);
  const kind = str(body?.['kind']);
  if (body === undefined || kind === undefined) throw new DoctorInputError(source, 'a document is not a Kubernetes object (no kind)');
  if (NOT_APPLIED.has(kind)) return;
  if (kind.endsWith('List') && Array.isArray(body['items'])) {
    for (const item of body['items']) collect(item, source, out);
    return;
  }
  const name = str(obj(body['metadata'])?.['name']);
  if (name === undefined) throw new DoctorInputError(source, `a ${kind} has no metadata.name`);
  out.push({ apiVersion: str(body['apiVersion']) ?? '', kind, name, namespace: str(obj(body['metadata'])?.['namespace']), source, body });
}

/**
 * Reads manifests from files and directories (recursively: `*.yaml`, `*.yml`, `*.json`, in name
 * order). A directory is read as plain files: for a kustomization with patches or generators,
 * render it first (`kubectl kustomize dir | podkit doctor -`).
 *
 * @throws DoctorInputError when a path does not exist or a file does not parse
 */
export function readManifestPaths(paths: readonly string[]): ManifestObject[] {
  const out: ManifestObject[] = [];
  for (const path of paths) out.push(...readPath(path));
  return out;
}

function readPath(path: string): ManifestObject[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    throw new DoctorInputError(path, 'no such file or directory', { cause: error });
  }
  if (!isDir) return parseManifests(readFileSync(path, 'utf8'), path);
  const out: ManifestObject[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) out.push(...readPath(child));
    else if (MANIFEST_EXTENSIONS.has(extname(entry.name))) out.push(...parseManifests(readFileSync(child, 'utf8'), child));
  }
  return out;
}
