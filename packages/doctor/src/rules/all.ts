import type { DoctorRule } from '../rule.ts';
import { gracePeriodRule } from './grace-period.ts';
import { heapLimitRule } from './heap-limit.ts';
import { memoryResourcesRule } from './memory-resources.ts';
import { pdbDrainRule } from './pdb-drain.ts';
import { preStopSleepRule } from './prestop-sleep.ts';
import { probeSameEndpointRule } from './probe-same-endpoint.ts';
import { probeTargetRule } from './probe-target.ts';
import { probeTimingRule } from './probe-timing.ts';
import { probesPublicRule } from './probes-public.ts';
import { reloadEnvOverrideRule } from './reload-env-override.ts';
import { reloadSubPathRule } from './reload-subpath.ts';
import { serviceLinksRule } from './service-links.ts';

/** Every rule of `podkit doctor`, in the order docs/doctor.md lists them. */
export const ALL_RULES: readonly DoctorRule[] = Object.freeze([
  gracePeriodRule,
  preStopSleepRule,
  probeTargetRule,
  probeTimingRule,
  probeSameEndpointRule,
  reloadSubPathRule,
  reloadEnvOverrideRule,
  serviceLinksRule,
  probesPublicRule,
  memoryResourcesRule,
  heapLimitRule,
  pdbDrainRule,
]);
