import type { RandomSource } from './clock.ts';

/**
 * Delay before retry number `retry` (1-based): exponential backoff with full jitter,
 * `random() * min(maxDelayMs, baseDelayMs * 2^(retry-1))` (AWS Architecture Blog, "Exponential
 * Backoff And Jitter"). Full jitter spreads synchronized retries of many clients.
 * @internal
 */
export function fullJitterDelay(retry: number, baseDelayMs: number, maxDelayMs: number, random: RandomSource): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * cap);
}

/**
 * Parses a `Retry-After` header (delta-seconds or HTTP-date) into milliseconds from `nowEpochMs`.
 * Returns `undefined` when absent or unparseable.
 * @internal
 */
export function parseRetryAfter(value: string | string[] | undefined, nowEpochMs: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw === '') return undefined;
  if (/^\s*\d+\s*$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowEpochMs);
}
