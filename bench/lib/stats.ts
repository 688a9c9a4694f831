/** Small figures helpers shared by the benchmarks. */

/** The median of `xs` (the upper one of an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `n` rounded to two decimals. */
export const round2 = (n: number): number => Math.round(n * 100) / 100;
