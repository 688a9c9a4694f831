import { getRequestContext } from '@podkit/core';
import type { RequestContext } from '@podkit/core';

/**
 * Key of the mark a podkit client leaves on the current request context when one of its calls
 * failed because the upstream did (shared by every loaded copy of the package).
 */
const UPSTREAM_FAILED: unique symbol = Symbol.for('podkit.http.upstreamFailed') as never;

/**
 * Marks `ctx` (the request being served) as having had an upstream call fail after the client's
 * own retries. A frozen context is left as it is. @internal
 */
export function markUpstreamFailure(ctx: RequestContext | undefined, reason: string): void {
  if (ctx !== undefined) Reflect.set(ctx, UPSTREAM_FAILED, reason);
}

/**
 * Why an upstream call of the current request failed (`upstream`, `deadline`), if one did.
 * @internal
 */
export function upstreamFailure(): string | undefined {
  const ctx = getRequestContext() as Record<symbol, unknown> | undefined;
  const reason = ctx?.[UPSTREAM_FAILED];
  return typeof reason === 'string' ? reason : undefined;
}
