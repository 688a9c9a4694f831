import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Request-scoped values that travel with the async call chain of one unit of work (an HTTP
 * request, a queue message). `@podkit/http` sets it for every request; the logger adds
 * `request_id` to every line written inside it.
 */
export interface RequestContext {
  /** Correlation id, e.g. the `x-request-id` header. Logged as `request_id`. */
  readonly requestId: string;
  /** Absolute deadline (epoch milliseconds) after which the caller gives up. */
  readonly deadline?: number;
}

// One storage per loaded copy of the module. Creating it has no side effect: nothing is
// installed until `run` is called.
const storage = new AsyncLocalStorage<RequestContext>();

/**
 * Runs `fn` with `ctx` as the current request context; everything `fn` starts (promises,
 * timers, callbacks) sees it through {@link getRequestContext}.
 *
 * @example
 * ```ts
 * runWithRequestContext({ requestId: 'abc', deadline: Date.now() + 2000 }, () => handle(msg));
 * ```
 */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/**
 * The request context of the current async call chain, or `undefined` outside one.
 *
 * @example
 * ```ts
 * const id = getRequestContext()?.requestId;
 * ```
 */
export function getRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

/**
 * Milliseconds left before the current request's deadline (never negative), or `undefined`
 * when there is no context or no deadline.
 *
 * @example
 * ```ts
 * const budget = remainingTimeMs() ?? 5000;
 * ```
 */
export function remainingTimeMs(now: number = Date.now()): number | undefined {
  const deadline = storage.getStore()?.deadline;
  return deadline === undefined ? undefined : Math.max(0, deadline - now);
}
