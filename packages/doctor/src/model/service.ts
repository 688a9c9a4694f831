import { posix } from 'node:path';
import type { DoctorProbePaths, DoctorSettings } from '../settings.ts';
import type { DefinitionField, DefinitionLike } from './definition.ts';
import { arr, at, obj, str, type JsonObject } from './json.ts';
import type { ManifestObject } from './manifests.ts';
import { PODKIT_DEFAULTS } from './podkit-defaults.ts';
import { parseDurationMs } from './quantity.ts';
import { planInPod, type PlanResult } from './shutdown-plan.ts';
import type { PodContainer } from './workloads.ts';

/** One `env` entry of the container. */
export interface EnvEntry {
  /** The variable's name. */
  readonly name: string;
  /** The literal value, or `undefined` for `valueFrom`. */
  readonly value: string | undefined;
  /** Path of the entry, e.g. `spec.template.spec.containers[0].env[2]`. */
  readonly path: string;
}

/** A resolved setting and where it came from (`env PORT`, `ConfigMap posts-config key port`, `podkit default`). */
export interface Resolved<T> {
  /** The value. */
  readonly value: T;
  /** Where it came from, for messages. */
  readonly from: string;
}

/** A container the doctor checks as a podkit service, with what podkit will do in it (what a rule reads). */
export interface PodkitContainer extends PodContainer {
  /** The service's config definition, if one was given for it. */
  readonly definition: DefinitionLike | undefined;
  /** Explicit `env` entries by name (the last one wins, as in Kubernetes). */
  readonly env: ReadonlyMap<string, EnvEntry>;
  /** Names `envFrom` brings in (from ConfigMaps and Secrets of the manifests), with the reference path. */
  readonly envFrom: ReadonlyMap<string, string>;
  /** Where podkit config reads the ConfigMap (`PODKIT_CONFIG_DIR`, default `/etc/config`). */
  readonly configDir: string;
  /** Where podkit config reads the Secret (`PODKIT_SECRETS_DIR`, default `/etc/secrets`). */
  readonly secretsDir: string;
  /** The main port of `serve()`. */
  readonly port: Resolved<number>;
  /** The admin port of `serve()`, `undefined` for none. */
  readonly adminPort: Resolved<number> | undefined;
  /** The probe and metrics paths of `serve()`. */
  readonly probes: Required<DoctorProbePaths>;
  /** The health checks' background interval. */
  readonly checkIntervalMs: number;
  /** The health checks' timeout. */
  readonly checkTimeoutMs: number;
  /** The shutdown plan podkit makes in this pod. */
  readonly plan: PlanResult;
  /** The value of a config key as the container gets it, or `undefined` when not set anywhere the doctor can read. */
  value(key: string): Resolved<string> | undefined;
  /** The definition's field `key`, if any. */
  field(key: string): DefinitionField | undefined;
}

function envEntries(c: PodContainer): Map<string, EnvEntry> {
  const env = new Map<string, EnvEntry>();
  arr(c.container['env']).forEach((e, i) => {
    const name = str(obj(e)?.['name']);
    if (name !== undefined) env.set(name, { name, value: str(obj(e)?.['value']) ?? (obj(e)?.['valueFrom'] === undefined ? '' : undefined), path: `${c.path}.env[${String(i)}]` });
  });
  return env;
}

function findObject(objects: readonly ManifestObject[], kind: string, name: string | undefined, near: ManifestObject): ManifestObject | undefined {
  return objects.find((o) => o.kind === kind && o.name === name && (o.namespace === undefined || near.namespace === undefined || o.namespace === near.namespace));
}

function envFromNames(c: PodContainer, objects: readonly ManifestObject[]): Map<string, string> {
  const out = new Map<string, string>();
  arr(c.container['envFrom']).forEach((e, i) => {
    const ref = obj(e);
    const prefix = str(ref?.['prefix']) ?? '';
    for (const kind of ['ConfigMap', 'Secret'] as const) {
      const name = str(at(ref, kind === 'ConfigMap' ? 'configMapRef' : 'secretRef', 'name'));
      if (name === undefined) continue;
      const source = findObject(objects, kind, name, c.workload);
      const keys = [...Object.keys(obj(source?.body['data']) ?? {}), ...Object.keys(obj(source?.body['stringData']) ?? {})];
      for (const key of keys) out.set(prefix + key, `${c.path}.envFrom[${String(i)}]`);
    }
  });
  return out;
}

/** The ConfigMap data the container sees in `dir` (whole-directory and subPath mounts), file name → value. */
function mountedConfigMap(c: PodContainer, objects: readonly ManifestObject[], dir: string): Map<string, { value: string; from: string }> {
  const volumes = new Map<string, JsonObject>();
  for (const v of arr(c.podSpec['volumes'])) {
    const name = str(obj(v)?.['name']);
    if (name !== undefined && obj(v) !== undefined) volumes.set(name, obj(v)!);
  }
  const out = new Map<string, { value: string; from: string }>();
  for (const m of arr(c.container['volumeMounts'])) {
    const mountPath = str(obj(m)?.['mountPath']);
    const volume = volumes.get(str(obj(m)?.['name']) ?? '');
    if (mountPath === undefined || volume === undefined) continue;
    const sources = [obj(volume['configMap']), ...arr(at(volume, 'projected', 'sources')).map((s) => obj(obj(s)?.['configMap']))];
    for (const source of sources) {
      const cm = findObject(objects, 'ConfigMap', str(source?.['name']), c.workload);
      const data = obj(cm?.body['data']);
      if (cm === undefined || data === undefined) continue;
      const subPath = str(obj(m)?.['subPath']);
      const put = (file: string, key: string): void => {
        const value = data[key];
        if (typeof value === 'string') out.set(file, { value, from: `ConfigMap ${cm.name} key ${key}` });
      };
      if (subPath !== undefined && posix.dirname(posix.normalize(mountPath)) === posix.normalize(dir)) put(posix.basename(mountPath), subPath);
      else if (subPath === undefined && posix.normalize(mountPath) === posix.normalize(dir)) for (const key of Object.keys(data)) put(key, key);
    }
  }
  return out;
}

/** Builds what the doctor knows of one podkit container. @internal */
export function describeContainer(
  c: PodContainer,
  objects: readonly ManifestObject[],
  definition: DefinitionLike | undefined,
  settings: DoctorSettings,
): PodkitContainer {
  const env = envEntries(c);
  const envFrom = envFromNames(c, objects);
  const literal = (name: string): string | undefined => env.get(name)?.value;
  const configDir = literal('PODKIT_CONFIG_DIR') || PODKIT_DEFAULTS.configDir;
  const secretsDir = literal('PODKIT_SECRETS_DIR') || PODKIT_DEFAULTS.secretsDir;
  const files = mountedConfigMap(c, objects, configDir);
  const fields = new Map((definition?.fields ?? []).map((f) => [f.key, f]));
  const value = (key: string): Resolved<string> | undefined => {
    const f = fields.get(key);
    if (f === undefined) return undefined;
    for (const name of f.envNames) {
      const v = literal(name);
      if (v !== undefined) return { value: v, from: `env ${name}` };
    }
    for (const name of f.fileNames) {
      const hit = files.get(name);
      if (hit !== undefined) return { value: hit.value.trim(), from: hit.from };
    }
    return f.defaultValue === undefined ? undefined : { value: f.defaultValue, from: `default of ${key}` };
  };
  const portOf = (key: string | undefined): Resolved<number> | undefined => {
    const v = key === undefined ? undefined : value(key);
    return v !== undefined && /^\d+$/.test(v.value) ? { value: Number(v.value), from: `config ${key!} from ${v.from}` } : undefined;
  };
  const portKey = settings.portKey ?? (fields.has('port') ? 'port' : undefined);
  const adminPortKey = settings.adminPortKey ?? ['admin.port', 'adminPort'].find((k) => fields.has(k));
  const port = settings.port !== undefined ? { value: settings.port, from: 'option port' } : (portOf(portKey) ?? { value: PODKIT_DEFAULTS.port, from: 'podkit default' });
  const adminPort =
    settings.adminPort === false ? undefined : settings.adminPort !== undefined ? { value: settings.adminPort, from: 'option adminPort' } : portOf(adminPortKey);
  return {
    ...c,
    definition,
    env,
    envFrom,
    configDir,
    secretsDir,
    port,
    adminPort,
    probes: { ...PODKIT_DEFAULTS.probes, ...settings.probes },
    checkIntervalMs: settings.checkIntervalMs ?? PODKIT_DEFAULTS.checkIntervalMs,
    checkTimeoutMs: settings.checkTimeoutMs ?? PODKIT_DEFAULTS.checkTimeoutMs,
    plan: plan(settings, literal, value),
    value,
    field: (key) => fields.get(key),
  };
}

function plan(settings: DoctorSettings, literal: (name: string) => string | undefined, value: (key: string) => Resolved<string> | undefined): PlanResult {
  let gracePeriodMs: number | undefined;
  let gracePeriodSource: string | undefined;
  const fromKey = settings.gracePeriodKey === undefined ? undefined : value(settings.gracePeriodKey);
  const keyMs = fromKey === undefined ? undefined : parseDurationMs(fromKey.value);
  if (fromKey !== undefined && keyMs !== undefined) {
    gracePeriodMs = keyMs;
    gracePeriodSource = `option gracePeriodMs from config ${settings.gracePeriodKey!} from ${fromKey.from}`;
  } else {
    const raw = literal(PODKIT_DEFAULTS.gracePeriodEnv);
    if (raw !== undefined && raw !== '' && Number.isFinite(Number(raw)) && Number(raw) > 0) {
      gracePeriodMs = Number(raw) * 1000;
      gracePeriodSource = `env ${PODKIT_DEFAULTS.gracePeriodEnv}`;
    }
  }
  return planInPod({ ...settings.shutdown, gracePeriodMs, gracePeriodSource });
}
