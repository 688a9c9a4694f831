import type { DefinitionLike } from './model/definition.ts';

/** Probe and metrics paths of `serve()`; `false` when disabled there. */
export interface DoctorProbePaths {
  /** Liveness endpoint. @default '/health' */
  readonly liveness?: string | false;
  /** Readiness endpoint. @default '/ready' */
  readonly readiness?: string | false;
  /** Startup endpoint. @default '/startup' */
  readonly startup?: string | false;
  /** Prometheus metrics. @default '/metrics' */
  readonly metrics?: string | false;
}

/**
 * What the service does, where the manifests cannot say: the options it passes to podkit. Every
 * setting is optional; unset ones are podkit's defaults or read from the config the manifests
 * give the container (env, mounted ConfigMap, then the definition's defaults).
 */
export interface DoctorSettings {
  /**
   * The main port `serve()` listens on.
   * @default the value of the config key {@link DoctorSettings.portKey}, else 8080
   */
  readonly port?: number;
  /**
   * The `serve()` `adminPort` (probes and /metrics served there, 404 on the main port); `false`
   * for none.
   * @default the value of the config key {@link DoctorSettings.adminPortKey}, else none
   */
  readonly adminPort?: number | false;
  /** Config key holding the main port. @default 'port' (when the definition has it) */
  readonly portKey?: string;
  /** Config key holding the admin port. @default 'admin.port' or 'adminPort' (the first the definition has) */
  readonly adminPortKey?: string;
  /**
   * Config key whose value the service passes as the `gracePeriodMs` option (an option wins over
   * `PODKIT_GRACE_PERIOD_SECONDS`).
   * @default none (podkit reads `PODKIT_GRACE_PERIOD_SECONDS`, else 30 s)
   */
  readonly gracePeriodKey?: string;
  /** The `serve()` probe paths. @default { liveness: '/health', readiness: '/ready', startup: '/startup', metrics: '/metrics' } */
  readonly probes?: DoctorProbePaths;
  /** The health checks' background interval (`defaultIntervalMs`). @default 5000 */
  readonly checkIntervalMs?: number;
  /** The health checks' timeout (`defaultTimeoutMs`). @default 2000 */
  readonly checkTimeoutMs?: number;
  /** Shutdown options the service passes to podkit (unset ones are derived as podkit does). @default {} */
  readonly shutdown?: {
    /** @default 5000 in a pod */
    readonly propagationDelayMs?: number;
    /** @default what is left after delay, hooks and margin */
    readonly drainTimeoutMs?: number;
    /** @default 30 % of what is left, 1..10 s */
    readonly hooksTimeoutMs?: number;
    /** @default max(1 s, 5 % of the grace period) */
    readonly safetyMarginMs?: number;
  };
}

/**
 * Config definitions: one for every podkit container, or by workload or container name
 * (`{ posts: postsDefinition, '*': shared }`).
 */
export type DoctorDefinitions = DefinitionLike | { readonly [workloadOrContainer: string]: DefinitionLike };
