import { DoctorOptionError } from './errors.ts';
import type { DoctorReport, Finding } from './finding.ts';
import { isDefinitionLike, type DefinitionLike } from './model/definition.ts';
import type { ManifestObject } from './model/manifests.ts';
import { describeContainer } from './model/service.ts';
import { objectRef, podContainers, type PodContainer } from './model/workloads.ts';
import { toFinding, type DoctorRule } from './rule.ts';
import { ALL_RULES } from './rules/all.ts';
import type { DoctorDefinitions, DoctorSettings } from './settings.ts';

/** Input of {@link doctor}. */
export interface DoctorOptions extends DoctorSettings {
  /** The objects to check (from {@link parseManifests} or {@link readManifestPaths}). */
  readonly objects: readonly ManifestObject[];
  /**
   * The services' config definitions (`defineConfig(schema)`, or `loadDefinitionModule()`): one
   * for every podkit container, or keyed by workload or container name (`'*'` for the rest).
   * @default none (rules that need the config's keys skip)
   */
  readonly definitions?: DoctorDefinitions;
  /**
   * Names of the workloads (or containers) that run podkit services.
   * @default the containers whose env sets a `PODKIT_*` variable or that have a named definition; all containers if none does
   */
  readonly workloads?: readonly string[];
  /** The rules to run. @default ALL_RULES */
  readonly rules?: readonly DoctorRule[];
  /** Rule ids not to run. @default [] */
  readonly skip?: readonly string[];
}

function definitionFor(definitions: DoctorDefinitions | undefined, c: PodContainer): DefinitionLike | undefined {
  if (definitions === undefined) return undefined;
  if (isDefinitionLike(definitions)) return definitions;
  return definitions[c.workload.name] ?? definitions[c.name] ?? definitions['*'];
}

function isNamed(definitions: DoctorDefinitions | undefined, c: PodContainer): boolean {
  if (definitions === undefined || isDefinitionLike(definitions)) return false;
  return Object.hasOwn(definitions, c.workload.name) || Object.hasOwn(definitions, c.name);
}

function selectContainers(options: DoctorOptions, all: readonly PodContainer[]): PodContainer[] {
  if (options.workloads !== undefined) {
    const wanted = new Set(options.workloads);
    const selected = all.filter((c) => wanted.has(c.workload.name) || wanted.has(c.name));
    const missing = options.workloads.filter((w) => !selected.some((c) => c.workload.name === w || c.name === w));
    if (missing.length > 0) throw new DoctorOptionError('workloads', `no workload or container named ${missing.join(', ')} in the manifests`);
    return selected;
  }
  const detected = all.filter(
    (c) => isNamed(options.definitions, c) || (Array.isArray(c.container['env']) && (c.container['env'] as unknown[]).some((e) => /^PODKIT_/.test(String((e as { name?: unknown }).name)))),
  );
  return detected.length > 0 ? detected : [...all];
}

const ORDER = { error: 0, warning: 1 } as const;

/**
 * Checks rendered Kubernetes manifests against what the podkit service in them will do, and
 * returns every finding with the object, the field, why it matters and the fix. Pure: reads
 * nothing but its options.
 *
 * @example
 * ```ts
 * import { doctor, readManifestPaths } from '@podkit/doctor';
 * import { definition } from './src/config.ts';
 *
 * const report = doctor({ objects: readManifestPaths(['deploy/']), definitions: definition });
 * for (const f of report.findings) console.log(f.severity, f.object, f.field, f.message);
 * ```
 */
export function doctor(options: DoctorOptions): DoctorReport {
  const rules = (options.rules ?? ALL_RULES).filter((r) => !(options.skip ?? []).includes(r.id));
  const unknown = (options.skip ?? []).filter((id) => !(options.rules ?? ALL_RULES).some((r) => r.id === id));
  if (unknown.length > 0) throw new DoctorOptionError('skip', `no rule ${unknown.join(', ')}; rules: ${ALL_RULES.map((r) => r.id).join(', ')}`);
  const containers = selectContainers(options, podContainers(options.objects)).map((c) =>
    describeContainer(c, options.objects, definitionFor(options.definitions, c), options),
  );
  const context = { objects: options.objects, containers };
  const findings: Finding[] = rules.flatMap((rule) => rule.check(context).map((hit) => toFinding(rule, hit)));
  findings.sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.object.localeCompare(b.object) || a.field.localeCompare(b.field));
  return {
    findings,
    checked: containers.map((c) => `${objectRef(c.workload)} ${c.name}`),
    counts: { error: findings.filter((f) => f.severity === 'error').length, warning: findings.filter((f) => f.severity === 'warning').length },
  };
}
