/**
 * Duration strings: `300ms`, `5s`, `2m`, `1h`, `1d` and sequences such as `1h30m`.
 * @internal
 */

/** Milliseconds per duration unit. */
export const UNIT_MS: Readonly<Record<DurationUnit, number>> = Object.freeze({
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
});

/** A unit accepted in duration strings. */
export type DurationUnit = 'ms' | 's' | 'm' | 'h' | 'd';

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
const BARE = /^\d+(?:\.\d+)?$/;

/**
 * Parses a duration string into milliseconds, or returns `undefined` when it is not one.
 * A bare number is read in `bareUnit`.
 */
export function parseDuration(text: string, bareUnit: DurationUnit = 'ms'): number | undefined {
  const input = text.trim();
  if (input === '') return undefined;
  if (BARE.test(input)) return Number(input) * UNIT_MS[bareUnit];
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < input.length) {
    const start = PART.lastIndex;
    const match = PART.exec(input);
    if (match === null || match.index !== start) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2] as DurationUnit];
  }
  return total;
}

/** Formats milliseconds as the shortest exact duration string: `300000` → `5m`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
