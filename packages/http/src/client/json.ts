import type { ZodType } from 'zod';
import { InvalidResponseError } from './errors.ts';

/** Formats a zod issue path as `items[0].title`. @internal */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Parses `text` as JSON and, when a schema is given, validates it.
 * @throws InvalidResponseError naming the path of the first mismatch
 * @internal
 */
export function parseJson<T>(text: string, schema: ZodType<T> | undefined): T {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InvalidResponseError('', `body is not valid JSON (${(err as Error).message})`, { cause: err });
  }
  if (schema === undefined) return data as T;
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new InvalidResponseError(formatPath(issue?.path ?? []), issue?.message ?? 'does not match the schema', { cause: result.error });
}
