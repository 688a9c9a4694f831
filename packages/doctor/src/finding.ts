/** How bad a finding is: `error` fails `podkit doctor` (exit code 1), `warning` is reported only. */
export type Severity = 'error' | 'warning';

/** One problem in the manifests, with what to do about it. */
export interface Finding {
  /** The rule that found it, e.g. `grace-period`. */
  readonly rule: string;
  /** `error` or `warning`. */
  readonly severity: Severity;
  /** The object, as `Kind/name` or `Kind/namespace/name`. */
  readonly object: string;
  /** The file the object came from, or `<stdin>`. */
  readonly source: string;
  /** The container, when the finding is about one. */
  readonly container: string | undefined;
  /** The field, as a path in the object: `spec.template.spec.terminationGracePeriodSeconds`. */
  readonly field: string;
  /** What is wrong, with the values involved. */
  readonly message: string;
  /** Why it matters (the rule's reason). */
  readonly why: string;
  /** How to fix it. */
  readonly fix: string;
}

/** What `doctor()` returns. */
export interface DoctorReport {
  /** Every finding, errors first, then by object and field. */
  readonly findings: readonly Finding[];
  /** The containers checked as podkit services, as `Kind/name container`. */
  readonly checked: readonly string[];
  /** Number of findings of each severity. */
  readonly counts: { readonly error: number; readonly warning: number };
}
