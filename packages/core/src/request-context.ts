import { AsyncLocalStorage } from 'node:async_hooks';
import { context as otelContext } from '@opentelemetry/api';
import type { Context } from '@opentelemetry/api';

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

/**
 * What one async call chain carries: the request context and, when a context manager built on
 * {@link traceContextSlot} is registered (`@podkit/otel`'s), the OpenTelemetry context. One
 * frame for both, so entering a request is one `AsyncLocalStorage.run`, not one per library.
 */
interface Frame {
  readonly request: RequestContext | undefined;
  readonly trace: Context | undefined;
}

// One storage per loaded copy of the module. Creating it has no side effect: nothing is
// installed until `run` is called.
const storage = new AsyncLocalStorage<Frame>();

/** The context manager that claimed the trace slot (see {@link TraceContextSlot.claim}). */
let slotOwner: object | undefined;

/**
 * Runs `fn` with `ctx` as the current request context; everything `fn` starts (promises,
 * timers, callbacks) sees it through {@link getRequestContext}. The active OpenTelemetry context
 * is kept.
 *
 * @example
 * ```ts
 * runWithRequestContext({ requestId: 'abc', deadline: Date.now() + 2000 }, () => handle(msg));
 * ```
 */
export function runWithRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run({ request: ctx, trace: storage.getStore()?.trace }, fn);
}

/**
 * Runs `fn(...args)` with `ctx` as the request context and `trace` as the active OpenTelemetry
 * context: in one `AsyncLocalStorage` frame when the registered context manager reads the
 * trace from it (`@podkit/otel` registers such a manager), else through OpenTelemetry's
 * `context.with` around {@link runWithRequestContext}. What an integration that starts a unit
 * of work with a span calls (`@podkit/http`'s server does, per request).
 *
 * @example
 * ```ts
 * runWithRequestAndTraceContext({ requestId }, trace.setSpan(parent, span), handle, msg);
 * ```
 */
export function runWithRequestAndTraceContext<A extends unknown[], T>(ctx: RequestContext, trace: Context, fn: (...args: A) => T, ...args: A): T {
  if (slotOwner !== undefined) return storage.run({ request: ctx, trace }, fn, ...args);
  return otelContext.with(trace, () => storage.run({ request: ctx, trace: undefined }, fn, ...args));
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
  return storage.getStore()?.request;
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
  const deadline = storage.getStore()?.request?.deadline;
  return deadline === undefined ? undefined : Math.max(0, deadline - now);
}

/**
 * The OpenTelemetry context's place in podkit's per-call-chain storage, for a context manager
 * (`@podkit/otel`'s) that keeps the active context beside the request context. Each method
 * keeps the request context of the current call chain.
 */
export interface TraceContextSlot {
  /** The active OpenTelemetry context of the current call chain, `undefined` when none was set. */
  get(): Context | undefined;
  /** Runs `fn(...args)` with `trace` as the active context. */
  run<A extends unknown[], T>(trace: Context, fn: (...args: A) => T, ...args: A): T;
  /** Makes `trace` the active context for the rest of the current call chain; returns what undoes it. */
  enter(trace: Context): () => void;
  /**
   * Declares `owner` the context manager reading the slot, so {@link runWithRequestAndTraceContext}
   * enters one frame instead of two. Call it once the manager is registered with
   * OpenTelemetry. Returns `false` (and changes nothing) when another owner holds it.
   */
  claim(owner: object): boolean;
  /** Gives the slot up (only `owner`'s claim is released). */
  release(owner: object): void;
}

const slot: TraceContextSlot = {
  get: () => storage.getStore()?.trace,
  run: <A extends unknown[], T>(trace: Context, fn: (...args: A) => T, ...args: A): T =>
    storage.run({ request: storage.getStore()?.request, trace }, fn, ...args),
  enter(trace: Context): () => void {
    const prior = storage.getStore();
    storage.enterWith({ request: prior?.request, trace });
    return () => storage.enterWith(prior as Frame);
  },
  claim(owner: object): boolean {
    if (slotOwner !== undefined && slotOwner !== owner) return false;
    slotOwner = owner;
    return true;
  },
  release(owner: object): void {
    if (slotOwner === owner) slotOwner = undefined;
  },
};

/**
 * The {@link TraceContextSlot} of this copy of `@podkit/core`.
 *
 * @example
 * ```ts
 * const slot = traceContextSlot();
 * class Manager { active() { return slot.get() ?? ROOT_CONTEXT; } ... }
 * ```
 */
export function traceContextSlot(): TraceContextSlot {
  return slot;
}
