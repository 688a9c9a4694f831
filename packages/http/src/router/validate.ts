import type { ZodType } from 'zod';
import { ProblemError } from '../server/errors.ts';
import { problem } from '../server/problem.ts';
import type { ProblemFieldError } from '../server/problem.ts';

/**
 * Validates `value` (from request part `where`) against `schema`; returns the parsed output or
 * throws a 400 {@link ProblemError} listing every issue with its path.
 * @internal
 */
export function validate(schema: ZodType, value: unknown, where: 'params' | 'query' | 'body'): unknown {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: ProblemFieldError[] = result.error.issues.map((issue) => ({
    in: where,
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  throw new ProblemError(problem(400, `invalid request ${where}`, errors));
}
