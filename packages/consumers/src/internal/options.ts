import { ConsumerOptionsError } from '../errors.ts';

/** Validates a required non-empty string option. */
export function requireName(option: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConsumerOptionsError(option, `must be a non-empty string (got ${describe(value)})`);
  }
  return value;
}

/** Validates an integer option within `[min, max]`, `fallback` when undefined. */
export function intOption(option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConsumerOptionsError(option, `must be an integer from ${String(min)} to ${String(max)} (got ${describe(value)})`);
  }
  return value;
}

/** Validates a function option. */
export function requireFunction<F>(option: string, value: F | undefined): F {
  if (typeof value !== 'function') throw new ConsumerOptionsError(option, `must be a function (got ${describe(value)})`);
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  return typeof value;
}
