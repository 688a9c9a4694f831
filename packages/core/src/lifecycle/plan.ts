import { InvalidOptionError, ShutdownBudgetError } from '../errors.ts';

/** How the shutdown budget is split. All values in milliseconds. */
export interface ShutdownPlan {
  /** Kubernetes' `terminationGracePeriodSeconds` in ms: SIGKILL arrives this long after SIGTERM. */
  readonly gracePeriodMs: number;
  /** Where the grace period came from: `option`, `env PODKIT_GRACE_PERIOD_SECONDS` or `default`. */
  readonly gracePeriodSource: string;
  /** Phase 2: time still serving while endpoint removal propagates. */
  readonly propagationDelayMs: number;
  /** Phase 3: budget for drainers and tracked work. */
  readonly drainTimeoutMs: number;
  /** Phase 4: budget for all hooks together. */
  readonly hooksTimeoutMs: number;
  /** Kept free before SIGKILL for flushing logs and exiting. */
  readonly safetyMarginMs: number;
}

/** The inputs of {@link planShutdown}; unset values are derived. */
export interface ShutdownPlanInput {
  readonly gracePeriodMs?: number | undefined;
  readonly propagationDelayMs?: number | undefined;
  readonly drainTimeoutMs?: number | undefined;
  readonly hooksTimeoutMs?: number | undefined;
  readonly safetyMarginMs?: number | undefined;
}

/**
 * Environment variable holding the grace period in seconds; set it to the pod's
 * `terminationGracePeriodSeconds`.
 *
 * @example
 * ```yaml
 * env:
 *   - name: PODKIT_GRACE_PERIOD_SECONDS
 *     value: "45"   # same as terminationGracePeriodSeconds
 * ```
 */
export const GRACE_PERIOD_ENV = 'PODKIT_GRACE_PERIOD_SECONDS';
const MIN_DRAIN_MS = 1000;

function ms(option: string, value: number | undefined, source = 'option'): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value < 0) {
    throw new InvalidOptionError(option, `must be a non-negative number of milliseconds, got ${String(value)} (from ${source})`);
  }
  return value;
}

/**
 * Splits the grace period into propagation delay, drain, hooks and safety margin, and refuses
 * (with {@link ShutdownBudgetError}) a configuration whose phases cannot fit.
 *
 * Defaults: grace period 30 s (Kubernetes' default) or `PODKIT_GRACE_PERIOD_SECONDS`; delay
 * 5 s when `KUBERNETES_SERVICE_HOST` is set, else 0; margin max(1 s, 5 % of the grace period);
 * hooks 30 % of what is left (1..10 s); drain gets the rest (at least 1 s).
 *
 * @example
 * ```ts
 * planShutdown({}, { KUBERNETES_SERVICE_HOST: '10.0.0.1' });
 * // { gracePeriodMs: 30000, propagationDelayMs: 5000, drainTimeoutMs: 16450, hooksTimeoutMs: 7050, safetyMarginMs: 1500, ... }
 * ```
 */
export function planShutdown(input: ShutdownPlanInput, env: NodeJS.ProcessEnv): ShutdownPlan {
  let gracePeriodSource = 'default';
  let grace = ms('gracePeriodMs', input.gracePeriodMs);
  if (grace !== undefined) gracePeriodSource = 'option';
  else if (env[GRACE_PERIOD_ENV] !== undefined && env[GRACE_PERIOD_ENV] !== '') {
    const raw = env[GRACE_PERIOD_ENV];
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new InvalidOptionError('gracePeriodMs', `${GRACE_PERIOD_ENV}="${raw}" is not a positive number of seconds (from env)`);
    }
    grace = seconds * 1000;
    gracePeriodSource = `env ${GRACE_PERIOD_ENV}`;
  }
  const gracePeriodMs = grace ?? 30_000;
  const propagationDelayMs = ms('propagationDelayMs', input.propagationDelayMs) ?? (env.KUBERNETES_SERVICE_HOST ? 5000 : 0);
  const safetyMarginMs = ms('safetyMarginMs', input.safetyMarginMs) ?? Math.max(1000, Math.round(gracePeriodMs * 0.05));
  const left = gracePeriodMs - propagationDelayMs - safetyMarginMs;
  const hooksTimeoutMs =
    ms('hooksTimeoutMs', input.hooksTimeoutMs) ?? Math.min(10_000, Math.max(1000, Math.floor(left * 0.3)));
  const drainTimeoutMs = ms('drainTimeoutMs', input.drainTimeoutMs) ?? left - hooksTimeoutMs;
  const plan = { gracePeriodMs, gracePeriodSource, propagationDelayMs, drainTimeoutMs, hooksTimeoutMs, safetyMarginMs };
  const total = propagationDelayMs + drainTimeoutMs + hooksTimeoutMs + safetyMarginMs;
  const summary =
    `propagationDelayMs ${String(propagationDelayMs)} + drainTimeoutMs ${String(drainTimeoutMs)} + ` +
    `hooksTimeoutMs ${String(hooksTimeoutMs)} + safetyMarginMs ${String(safetyMarginMs)} = ${String(total)} ms`;
  if (total > gracePeriodMs) {
    throw new ShutdownBudgetError(
      `shutdown phases do not fit the grace period: ${summary} > gracePeriodMs ${String(gracePeriodMs)} (${gracePeriodSource}). ` +
        'Raise terminationGracePeriodSeconds (and PODKIT_GRACE_PERIOD_SECONDS) or shorten a phase.',
    );
  }
  if (drainTimeoutMs < MIN_DRAIN_MS) {
    throw new ShutdownBudgetError(
      `shutdown phases leave ${String(drainTimeoutMs)} ms to drain (minimum ${String(MIN_DRAIN_MS)}): ${summary}, ` +
        `gracePeriodMs ${String(gracePeriodMs)} (${gracePeriodSource}). Raise the grace period or shorten the delay.`,
    );
  }
  return Object.freeze(plan);
}
