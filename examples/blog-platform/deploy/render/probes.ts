/**
 * Probe and shutdown timing shared by every service Deployment. These are the numbers the
 * tests compare with podkit's own (health check intervals and timeouts, the shutdown budget):
 * change them together, never one side alone. docs/kubernetes.md explains each choice.
 */

/**
 * Probe and metrics paths served by podkit's HTTP server on the admin port (container port
 * `admin`); the public port answers 404 for them.
 */
export const PROBE_PATHS = { startup: '/startup', liveness: '/health', readiness: '/ready', metrics: '/metrics' } as const;

/** One probe's timing, as in a Kubernetes `Probe`. */
export interface ProbeTiming {
  readonly periodSeconds: number;
  readonly timeoutSeconds: number;
  readonly failureThreshold: number;
  readonly successThreshold: number;
}

/**
 * Startup: polled every 2 s for up to 60 s (migrations under an advisory lock, a first
 * connection to PostgreSQL). Liveness and readiness only start once it has succeeded.
 */
export const STARTUP_PROBE: ProbeTiming = { periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30, successThreshold: 1 };

/**
 * Liveness: podkit answers from its cached report in well under a millisecond, so a timeout is
 * a stuck event loop. Three misses 10 s apart (30 s+) before a restart: a busy pod under load is
 * not killed for one slow answer. Liveness never includes PostgreSQL or Redis (podkit's default).
 */
export const LIVENESS_PROBE: ProbeTiming = { periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 };

/**
 * Readiness: polled every 5 s, matching podkit's background check interval (polling faster
 * only re-reads the same cached result). Two misses take the pod out of the Service.
 */
export const READINESS_PROBE: ProbeTiming = { periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2, successThreshold: 1 };

/**
 * `terminationGracePeriodSeconds` of every service pod, and the value the container receives in
 * its environment so podkit plans its shutdown budget (propagation delay, drain, hooks, margin)
 * inside exactly the time the kubelet gives it before SIGKILL.
 */
export const GRACE_PERIOD_SECONDS = 30;
