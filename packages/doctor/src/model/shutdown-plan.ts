/**
 * podkit core's shutdown plan (`planShutdown` in packages/core/src/lifecycle/plan.ts), computed
 * the same way for a pod of the manifests; test/shutdown-plan.test.ts keeps the two equal.
 * @internal
 */

/** The phases of a shutdown as podkit core plans them, in milliseconds, or why they cannot fit. */
export type PlanResult =
  | {
      readonly ok: true;
      readonly gracePeriodMs: number;
      readonly gracePeriodSource: string;
      readonly propagationDelayMs: number;
      readonly drainTimeoutMs: number;
      readonly hooksTimeoutMs: number;
      readonly safetyMarginMs: number;
    }
  | { readonly ok: false; readonly gracePeriodMs: number; readonly gracePeriodSource: string; readonly reason: string };

/** Inputs: the option values podkit would receive (unset ones derived as podkit does). */
export interface PlanInput {
  readonly gracePeriodMs?: number | undefined;
  readonly gracePeriodSource?: string | undefined;
  readonly propagationDelayMs?: number | undefined;
  readonly drainTimeoutMs?: number | undefined;
  readonly hooksTimeoutMs?: number | undefined;
  readonly safetyMarginMs?: number | undefined;
}

const MIN_DRAIN_MS = 1000;

/** The plan of a process in a pod (`KUBERNETES_SERVICE_HOST` set). */
export function planInPod(input: PlanInput): PlanResult {
  const gracePeriodMs = input.gracePeriodMs ?? 30_000;
  const gracePeriodSource = input.gracePeriodSource ?? 'default';
  const propagationDelayMs = input.propagationDelayMs ?? 5000;
  const safetyMarginMs = input.safetyMarginMs ?? Math.max(1000, Math.round(gracePeriodMs * 0.05));
  const left = gracePeriodMs - propagationDelayMs - safetyMarginMs;
  const hooksTimeoutMs = input.hooksTimeoutMs ?? Math.min(10_000, Math.max(1000, Math.floor(left * 0.3)));
  const drainTimeoutMs = input.drainTimeoutMs ?? left - hooksTimeoutMs;
  const total = propagationDelayMs + drainTimeoutMs + hooksTimeoutMs + safetyMarginMs;
  const summary = `delay ${String(propagationDelayMs)} + drain ${String(drainTimeoutMs)} + hooks ${String(hooksTimeoutMs)} + margin ${String(safetyMarginMs)} = ${String(total)} ms`;
  if (total > gracePeriodMs) return { ok: false, gracePeriodMs, gracePeriodSource, reason: `the phases do not fit: ${summary} > ${String(gracePeriodMs)} ms` };
  if (drainTimeoutMs < MIN_DRAIN_MS) {
    return { ok: false, gracePeriodMs, gracePeriodSource, reason: `only ${String(drainTimeoutMs)} ms are left to drain (minimum ${String(MIN_DRAIN_MS)}): ${summary}` };
  }
  return { ok: true, gracePeriodMs, gracePeriodSource, propagationDelayMs, drainTimeoutMs, hooksTimeoutMs, safetyMarginMs };
}
