import { GRACE_PERIOD_ENV } from '@podkit/core';

/**
 * How the pod's terminationGracePeriodSeconds reaches podkit, spelled once for the Deployment
 * env and the tests. Two variables carry the same number:
 *
 * - `PODKIT_GRACE_PERIOD_SECONDS`: what podkit core's lifecycle reads to plan its shutdown
 *   budget (propagation delay, drain, hooks, safety margin);
 * - `SHUTDOWN_GRACE_PERIOD`: the services' own config key `shutdown.grace-period`, which they
 *   pass to podkit as an option (an option wins over the env var, so it must agree too).
 */
export const SHUTDOWN_ENV: readonly { readonly name: string; readonly format: (seconds: number) => string }[] = [
  { name: GRACE_PERIOD_ENV, format: (seconds) => String(seconds) },
  { name: 'SHUTDOWN_GRACE_PERIOD', format: (seconds) => `${String(seconds)}s` },
];
