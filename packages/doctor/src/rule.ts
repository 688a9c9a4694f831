import type { Finding, Severity } from './finding.ts';
import type { ManifestObject } from './model/manifests.ts';
import type { PodkitContainer } from './model/service.ts';

/** What a rule sees: every object of the manifests and the containers checked as podkit services. */
export interface RuleContext {
  /** Every object read. */
  readonly objects: readonly ManifestObject[];
  /** The podkit containers, with what podkit will do in each (ports, probe paths, shutdown plan, config). */
  readonly containers: readonly PodkitContainer[];
}

/** What a rule reports; the doctor adds the rule's id, reason and fix. */
export interface RuleHit {
  readonly severity: Severity;
  readonly object: ManifestObject;
  readonly container?: string | undefined;
  readonly field: string;
  readonly message: string;
  /** A fix specific to this hit; the rule's general fix otherwise. */
  readonly fix?: string;
}

/**
 * One doctor check: a small self-describing unit (like a kube-linter template) with a fixture
 * test in test/rules/. `docs/doctor.md` lists every rule with its reason and fix.
 */
export interface DoctorRule {
  /** Stable id, e.g. `grace-period`: used in output, `--skip` and docs. */
  readonly id: string;
  /** One line: what it checks. */
  readonly title: string;
  /** Why it matters. */
  readonly why: string;
  /** How to fix a finding. */
  readonly fix: string;
  /** The doctor settings it reads besides the manifests, e.g. `checkIntervalMs`. */
  readonly settings: readonly string[];
  /** Finds the problems. */
  check(context: RuleContext): RuleHit[];
}

/** A finding from a rule's hit. @internal */
export function toFinding(rule: DoctorRule, hit: RuleHit): Finding {
  const o = hit.object;
  return {
    rule: rule.id,
    severity: hit.severity,
    object: o.namespace === undefined ? `${o.kind}/${o.name}` : `${o.kind}/${o.namespace}/${o.name}`,
    source: o.source,
    container: hit.container,
    field: hit.field,
    message: hit.message,
    why: rule.why,
    fix: hit.fix ?? rule.fix,
  };
}
