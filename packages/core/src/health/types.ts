/** The three Kubernetes probes. */
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** Status of a probe or a check. */
export type HealthStatus = 'up' | 'down';

/** A health check registered with `health.register()`. */
export interface HealthCheckDefinition {
  /** Unique name, e.g. `database`. Used as the `check` metric label and in reports. */
  readonly name: string;
  /**
   * Probes the check counts for. Keep external dependencies (databases, other services) out of
   * `liveness`: a database outage would otherwise restart every pod and make it worse.
   * @default ['readiness']
   */
  readonly kinds?: readonly ProbeKind[];
  /**
   * The check. It passes when it returns or resolves with anything but `false`; it fails when it
   * throws, rejects, returns `false` or does not settle within `timeoutMs`. The signal aborts at
   * the timeout so the check can cancel its work.
   */
  readonly check: (signal: AbortSignal) => unknown;
  /**
   * Time after which a hung check counts as failed.
   * @default 2000 (or `HealthOptions.defaultTimeoutMs`)
   */
  readonly timeoutMs?: number;
  /**
   * How often the check runs in the background; probes answer from the cached result.
   * @default 5000 (or `HealthOptions.defaultIntervalMs`)
   */
  readonly intervalMs?: number;
  /**
   * Whether a failure makes the probe fail. A non-critical failure is reported but the probe
   * stays `up` (degraded service, e.g. a cache).
   * @default true
   */
  readonly critical?: boolean;
  /** Releases resources held by the check; called by `health.close()` and on unregister. */
  readonly close?: () => void;
}

/** The cached result of one check, as shown in a probe report. */
export interface CheckReport {
  /** `up` if the last run passed. `down` before the first run finished. */
  readonly status: HealthStatus;
  /** Duration of the last run in milliseconds. */
  readonly durationMs: number;
  /** Milliseconds since the last run finished; `null` if it has not run yet. */
  readonly ageMs: number | null;
  /** Whether the check is critical for the probe. */
  readonly critical: boolean;
  /** Error message of the last failed run (never a stack trace). */
  readonly error?: string;
}

/** The JSON body of a probe: overall status plus every check of that kind. */
export interface HealthReport {
  /** `up` when every critical check passes and no gate (startup, shutdown, manual) is closed. */
  readonly status: HealthStatus;
  /** The probe reported on. */
  readonly kind: ProbeKind;
  /** Why the probe is down when no check explains it: `starting`, `shutting down`, a manual reason. */
  readonly reason?: string;
  /** Results by check name. */
  readonly checks: Readonly<Record<string, CheckReport>>;
}
