/**
 * The environment variable through which each service's config (`shutdown.grace-period`, a
 * duration whose bare numbers are seconds) receives the pod's terminationGracePeriodSeconds, and
 * hands it to podkit's lifecycle as its grace period. Kept in one place so the Deployment's env
 * and the tests agree.
 */
export const SHUTDOWN_ENV = {
  gracePeriod: {
    name: 'SHUTDOWN_GRACE_PERIOD',
    /** Seconds (as in terminationGracePeriodSeconds) to the variable's spelling. */
    format: (seconds: number): string => `${seconds}s`,
  },
} as const;
