/**
 * What a podkit service does when nothing is configured, as the doctor assumes it. Each value is
 * read from podkit's code, and test/podkit-defaults.test.ts compares them with the running
 * `@podkit/core` and `@podkit/http` (the doctor does not load them at run time).
 */
export const PODKIT_DEFAULTS: {
  readonly port: number;
  readonly probes: { readonly liveness: string; readonly readiness: string; readonly startup: string; readonly metrics: string };
  readonly checkIntervalMs: number;
  readonly checkTimeoutMs: number;
  readonly gracePeriodMs: number;
  readonly gracePeriodEnv: string;
  readonly propagationDelayMs: number;
  readonly configDir: string;
  readonly secretsDir: string;
} = Object.freeze({
  /** `serve()`'s `port`. */
  port: 8080,
  /** `serve()`'s probe and metrics paths. */
  probes: Object.freeze({ liveness: '/health', readiness: '/ready', startup: '/startup', metrics: '/metrics' }),
  /** `createHealth()`'s background interval of a check that sets none. */
  checkIntervalMs: 5000,
  /** `createHealth()`'s timeout of a check that sets none. */
  checkTimeoutMs: 2000,
  /** The grace period podkit plans with when neither the option nor the env var is set (Kubernetes' default). */
  gracePeriodMs: 30_000,
  /** The env var podkit core reads the grace period (seconds) from. */
  gracePeriodEnv: 'PODKIT_GRACE_PERIOD_SECONDS',
  /** The propagation delay in a pod (`KUBERNETES_SERVICE_HOST` is set). */
  propagationDelayMs: 5000,
  /** Where `@podkit/config` reads the ConfigMap (`PODKIT_CONFIG_DIR` overrides). */
  configDir: '/etc/config',
  /** Where `@podkit/config` reads the Secret (`PODKIT_SECRETS_DIR` overrides). */
  secretsDir: '/etc/secrets',
});
