import { isPodkitHttpError } from '../errors.ts';
import { HttpStatusError } from './errors.ts';

/** Bounded `status` label for a failed call: the HTTP status, or a short error kind. @internal */
const LABELS: ReadonlyMap<string, string> = new Map([
  ['ERR_PODKIT_HTTP_TIMEOUT', 'timeout'],
  ['ERR_PODKIT_HTTP_BREAKER_OPEN', 'breaker_open'],
  ['ERR_PODKIT_HTTP_BULKHEAD_REJECTED', 'bulkhead_rejected'],
  ['ERR_PODKIT_HTTP_RETRY_BUDGET_EXHAUSTED', 'budget_exhausted'],
  ['ERR_PODKIT_HTTP_INVALID_RESPONSE', 'invalid_response'],
  ['ERR_PODKIT_HTTP_INVALID_REQUEST', 'invalid_request'],
  ['ERR_PODKIT_HTTP_ABORTED', 'aborted'],
  ['ERR_PODKIT_HTTP_CONNECTION', 'connection_error'],
]);

/** The metrics `status` label of a failed call. @internal */
export function errorLabel(err: unknown): string {
  if (err instanceof HttpStatusError) return String(err.status);
  if (isPodkitHttpError(err)) return LABELS.get(err.code) ?? 'error';
  return 'error';
}
