/**
 * The text a failed check, startup task or span status reports: the error's message, or, when it has none
 * (Node's `AggregateError` from a connect to every address of a host has an empty message), the
 * messages of the errors it aggregates, or its `code`, or its class name. Never a stack trace.
 * @internal
 */
export function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.message !== '') return err.message;
  if (err instanceof AggregateError && err.errors.length > 0) {
    const inner = [...new Set(err.errors.map((e: unknown) => errorText(e)))];
    return inner.join('; ');
  }
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : err.name;
}
