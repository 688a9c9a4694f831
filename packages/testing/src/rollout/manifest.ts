import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ManifestError } from '../errors.ts';

/** Where a probe is sent: the service's public port or its admin port. */
export type ProbeTarget = 'http' | 'admin';

/** One probe, as the kubelet runs it (`httpGet` only), in seconds like the manifest. */
export interface ProbeSettings {
  /** Request path, e.g. `/ready`. */
  readonly path: string;
  /** `admin` when the probe names the container's `admin` port (or its number), else `http`. */
  readonly target: ProbeTarget;
  /** @default 0 */
  readonly initialDelaySeconds: number;
  /** Fractions are allowed here (tests), unlike in Kubernetes. @default 10 */
  readonly periodSeconds: number;
  /** @default 1 */
  readonly timeoutSeconds: number;
  /** @default 3 */
  readonly failureThreshold: number;
  /** @default 1 */
  readonly successThreshold: number;
}

/** What the simulator takes from a Deployment: replicas, strategy, grace period, probes, env. */
export interface PodSettings {
  /** `spec.replicas`. @default 1 */
  readonly replicas: number;
  /** `spec.strategy.rollingUpdate.maxSurge`, resolved to pods (percentages round up). @default 25% */
  readonly maxSurge: number;
  /** `spec.strategy.rollingUpdate.maxUnavailable`, resolved to pods (percentages round down). @default 25% */
  readonly maxUnavailable: number;
  /** `terminationGracePeriodSeconds`: SIGKILL this long after SIGTERM. @default 30 */
  readonly terminationGracePeriodSeconds: number;
  readonly startupProbe: ProbeSettings | undefined;
  readonly readinessProbe: ProbeSettings | undefined;
  readonly livenessProbe: ProbeSettings | undefined;
  /** The container's literal `env` values (`valueFrom` entries are skipped). */
  readonly env: Readonly<Record<string, string>>;
}

/** Changes to what the manifest says (short periods for tests); `null` removes a probe. */
export interface PodOverrides {
  readonly replicas?: number;
  readonly maxSurge?: number | string;
  readonly maxUnavailable?: number | string;
  readonly terminationGracePeriodSeconds?: number;
  /** Applied to every probe before the per-probe overrides. */
  readonly probes?: Partial<Omit<ProbeSettings, 'path' | 'target'>>;
  readonly startupProbe?: Partial<ProbeSettings> | null;
  readonly readinessProbe?: Partial<ProbeSettings> | null;
  readonly livenessProbe?: Partial<ProbeSettings> | null;
}

/** A Deployment: a file path, YAML text (may hold several documents) or a parsed object. */
export type ManifestSource = string | Readonly<Record<string, unknown>>;

type Json = Record<string, unknown>;

const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3, successThreshold: 1 } as const;

function obj(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}

function loadDeployment(source: ManifestSource, name: string | undefined): { origin: string; deployment: Json } {
  if (typeof source !== 'string') return { origin: 'inline manifest', deployment: source };
  const isText = source.includes('\n') || source.includes('apiVersion:');
  const origin = isText ? 'inline manifest' : source;
  let text: string;
  try {
    text = isText ? source : readFileSync(source, 'utf8');
  } catch (err) {
    throw new ManifestError(origin, 'file', `cannot be read: ${(err as Error).message}`);
  }
  const docs = parseAllDocuments(text);
  const deployments: Json[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new ManifestError(origin, 'YAML', `is invalid: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = obj(doc.toJS());
    if (value?.kind === 'Deployment') deployments.push(value);
  }
  const found = name === undefined ? deployments[0] : deployments.find((d) => obj(d.metadata)?.name === name);
  if (found === undefined) throw new ManifestError(origin, 'kind', name === undefined ? 'has no Deployment' : `has no Deployment named "${name}"`);
  return { origin, deployment: found };
}

function count(origin: string, field: string, value: unknown, replicas: number, round: 'up' | 'down', fallback: string): number {
  const raw = value ?? fallback;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0) return raw;
  if (typeof raw === 'string' && /^\d+%$/.test(raw)) {
    const exact = (replicas * Number.parseInt(raw, 10)) / 100;
    return round === 'up' ? Math.ceil(exact) : Math.floor(exact);
  }
  throw new ManifestError(origin, field, `must be a non-negative integer or a percentage, got ${JSON.stringify(raw)}`);
}

function positive(origin: string, field: string, value: unknown, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new ManifestError(origin, field, `must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${JSON.stringify(v)}`);
  }
  return v;
}

function probeOf(origin: string, field: string, raw: unknown, ports: Json[], override: Partial<ProbeSettings> | null | undefined, all: PodOverrides['probes']): ProbeSettings | undefined {
  if (override === null) return undefined;
  const probe = obj(raw);
  if (probe === undefined && override === undefined) return undefined;
  let path = override?.path;
  let target = override?.target;
  if (probe !== undefined) {
    const get = obj(probe.httpGet);
    if (get === undefined) throw new ManifestError(origin, field, 'is not an httpGet probe (only httpGet probes can be simulated)');
    path ??= typeof get.path === 'string' ? get.path : '/';
    if (target === undefined) {
      const admin = ports.find((p) => p.name === 'admin');
      const named = typeof get.port === 'string' ? ports.find((p) => p.name === get.port) : undefined;
      if (typeof get.port === 'string' && named === undefined) throw new ManifestError(origin, `${field}.httpGet.port`, `names port "${get.port}", which the container does not declare`);
      const number = named?.containerPort ?? get.port;
      target = admin !== undefined && number === admin.containerPort ? 'admin' : 'http';
    }
  }
  const merged = { ...PROBE_DEFAULTS, ...pick(probe), ...all, ...override };
  const settings: ProbeSettings = {
    path: path ?? '/',
    target: target ?? 'http',
    initialDelaySeconds: positive(origin, `${field}.initialDelaySeconds`, merged.initialDelaySeconds, 0, true),
    periodSeconds: positive(origin, `${field}.periodSeconds`, merged.periodSeconds, 10),
    timeoutSeconds: positive(origin, `${field}.timeoutSeconds`, merged.timeoutSeconds, 1),
    failureThreshold: positive(origin, `${field}.failureThreshold`, merged.failureThreshold, 3),
    successThreshold: positive(origin, `${field}.successThreshold`, merged.successThreshold, 1),
  };
  return Object.freeze(settings);
}

function pick(probe: Json | undefined): Partial<ProbeSettings> {
  if (probe === undefined) return {};
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(PROBE_DEFAULTS)) if (probe[k] !== undefined) out[k] = probe[k];
  return out;
}

/** Options for {@link readPodSettings}. */
export interface ReadPodSettingsOptions {
  /** Which Deployment of a multi-document file. @default the first */
  readonly deployment?: string;
  /** Which container. @default the first */
  readonly container?: string;
  /** Changes to what the manifest says. */
  readonly overrides?: PodOverrides;
}

/**
 * Reads what the simulator needs from a Deployment manifest (Kubernetes' defaults where it is
 * silent), then applies `overrides`. Without a manifest, Kubernetes' defaults (1 replica, 25%
 * surge and unavailability, 30 s grace, no probes) plus the overrides.
 *
 * @throws {@link ManifestError} naming the field, its value and the source
 * @example
 * ```ts
 * const settings = readPodSettings('deploy/posts.yaml', { overrides: { probes: { periodSeconds: 0.5 } } });
 * settings.readinessProbe; // { path: '/ready', target: 'admin', periodSeconds: 0.5, ... }
 * ```
 */
export function readPodSettings(source: ManifestSource | undefined, options: ReadPodSettingsOptions = {}): PodSettings {
  const o = options.overrides ?? {};
  const { origin, deployment } = source === undefined ? { origin: 'no manifest', deployment: {} as Json } : loadDeployment(source, options.deployment);
  const spec = obj(deployment.spec) ?? {};
  const podSpec = obj(obj(spec.template)?.spec) ?? {};
  const containers = Array.isArray(podSpec.containers) ? (podSpec.containers as Json[]) : [];
  const container = options.container === undefined ? (containers[0] ?? {}) : containers.find((c) => c.name === options.container);
  if (container === undefined) throw new ManifestError(origin, 'spec.template.spec.containers', `has no container named "${options.container ?? ''}"`);
  const ports = Array.isArray(container.ports) ? (container.ports as Json[]) : [];
  const replicas = positive(origin, 'spec.replicas', o.replicas ?? spec.replicas, 1);
  if (!Number.isInteger(replicas)) throw new ManifestError(origin, 'spec.replicas', `must be an integer, got ${String(replicas)}`);
  const rolling = obj(obj(spec.strategy)?.rollingUpdate) ?? {};
  const maxSurge = count(origin, 'spec.strategy.rollingUpdate.maxSurge', o.maxSurge ?? rolling.maxSurge, replicas, 'up', '25%');
  const maxUnavailable = count(origin, 'spec.strategy.rollingUpdate.maxUnavailable', o.maxUnavailable ?? rolling.maxUnavailable, replicas, 'down', '25%');
  if (maxSurge === 0 && maxUnavailable === 0) throw new ManifestError(origin, 'spec.strategy.rollingUpdate', 'has maxSurge and maxUnavailable both 0: the rollout could never progress');
  const env: Record<string, string> = {};
  for (const e of Array.isArray(container.env) ? (container.env as Json[]) : []) {
    if (typeof e.name === 'string' && typeof e.value === 'string') env[e.name] = e.value;
  }
  const c = 'spec.template.spec.containers[0]';
  return Object.freeze({
    replicas,
    maxSurge,
    maxUnavailable,
    terminationGracePeriodSeconds: positive(origin, 'spec.template.spec.terminationGracePeriodSeconds', o.terminationGracePeriodSeconds ?? podSpec.terminationGracePeriodSeconds, 30, true),
    startupProbe: probeOf(origin, `${c}.startupProbe`, container.startupProbe, ports, o.startupProbe, o.probes),
    readinessProbe: probeOf(origin, `${c}.readinessProbe`, container.readinessProbe, ports, o.readinessProbe, o.probes),
    livenessProbe: probeOf(origin, `${c}.livenessProbe`, container.livenessProbe, ports, o.livenessProbe, o.probes),
    env: Object.freeze(env),
  });
}
