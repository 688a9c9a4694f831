// @podkit/doctor: checks Kubernetes manifests against a podkit service's own settings.

// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';

// Running the doctor
export { doctor } from './doctor.ts';
export type { DoctorOptions } from './doctor.ts';
export type { DoctorDefinitions, DoctorProbePaths, DoctorSettings } from './settings.ts';
export type { DoctorReport, Finding, Severity } from './finding.ts';
export { formatReport, formatReportJson } from './format.ts';
export { EXIT_CODES, runCli } from './cli.ts';
export type { CliIo } from './cli.ts';

// Inputs
export { parseManifests, readManifestPaths } from './model/manifests.ts';
export type { ManifestObject } from './model/manifests.ts';
export type { JsonObject } from './model/json.ts';
export type { EnvEntry, PodkitContainer, Resolved } from './model/service.ts';
export type { PodContainer } from './model/workloads.ts';
export type { PlanResult } from './model/shutdown-plan.ts';
export { loadDefinitionModule } from './definition-module.ts';
export type { DefinitionField, DefinitionLike } from './model/definition.ts';
export { PODKIT_DEFAULTS } from './model/podkit-defaults.ts';

// Rules
export { ALL_RULES } from './rules/all.ts';
export type { DoctorRule, RuleContext, RuleHit } from './rule.ts';
export { gracePeriodRule } from './rules/grace-period.ts';
export { preStopSleepRule } from './rules/prestop-sleep.ts';
export { probeTargetRule } from './rules/probe-target.ts';
export { probeTimingRule } from './rules/probe-timing.ts';
export { probeSameEndpointRule } from './rules/probe-same-endpoint.ts';
export { reloadSubPathRule } from './rules/reload-subpath.ts';
export { reloadEnvOverrideRule } from './rules/reload-env-override.ts';
export { serviceLinksRule } from './rules/service-links.ts';
export { probesPublicRule } from './rules/probes-public.ts';
export { memoryResourcesRule } from './rules/memory-resources.ts';
export { heapLimitRule } from './rules/heap-limit.ts';
export { pdbDrainRule } from './rules/pdb-drain.ts';

// Errors
export { DoctorConfigModuleError, DoctorError, DoctorInputError, DoctorNodeVersionError, DoctorOptionError, isDoctorError } from './errors.ts';
