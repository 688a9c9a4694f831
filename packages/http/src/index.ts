// Public API of @podkit/http. Explicit named exports only.

// --- server (serving, router, probes, draining) -------------------------------
// (filled by the server work)

// --- client (resilient service-to-service client) -----------------------------
export { createClient } from './client/create-client.ts';
export type { BreakerSnapshot, HttpClient } from './client/create-client.ts';
export type { BreakerState } from './client/breaker.ts';
export type {
  BreakerOptions,
  BudgetOptions,
  BulkheadOptions,
  ClientLogger,
  ClientOptions,
  PoolOptions,
  RetryOptions,
  TimeoutOptions,
} from './client/options.ts';
export type { MethodOptions, QueryValue, RequestOptions } from './client/request-options.ts';
export type { ClientResponse } from './client/response.ts';
export { systemClock } from './client/clock.ts';
export type { Clock, RandomSource, TimerHandle } from './client/clock.ts';
export { CLIENT_DEFAULTS } from './client/resolve-options.ts';
export {
  BreakerOpenError,
  BulkheadRejectedError,
  ClientTimeoutError,
  ConnectionError,
  HttpStatusError,
  InvalidClientOptionsError,
  InvalidResponseError,
  RequestAbortedError,
  RetryBudgetExhaustedError,
} from './client/errors.ts';
export type { TimeoutKind } from './client/errors.ts';
// --- end client ------------------------------------------------------------------

/**
 * Placeholder so the package builds before its modules land.
 * @internal
 */
export const placeholder: boolean = true;
