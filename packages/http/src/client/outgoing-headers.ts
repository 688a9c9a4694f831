import { propagation } from '@opentelemetry/api';
import type { Context, TextMapSetter } from '@opentelemetry/api';
import type { RequestContext } from '@podkit/core';

/** Request id header sent on every call. */
export const REQUEST_ID_HEADER = 'x-request-id';

const setter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/**
 * Builds the headers of a call: client defaults, then the caller's, then `x-request-id` from the
 * current request context `requestCtx` (unless the caller set one) and the W3C trace context of `ctx` (the
 * client span) (through the globally registered OpenTelemetry propagator; nothing without one).
 * Header names are lower-cased so later checks (`idempotency-key`) are cheap.
 * @internal
 */
export function outgoingHeaders(
  ctx: Context,
  defaults: Readonly<Record<string, string>>,
  own: Readonly<Record<string, string>> | undefined,
  contentType: string | undefined,
  requestCtx: RequestContext | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const key in defaults) headers[key.toLowerCase()] = defaults[key] as string;
  if (own !== undefined) for (const key in own) headers[key.toLowerCase()] = own[key] as string;
  if (contentType !== undefined && headers['content-type'] === undefined) headers['content-type'] = contentType;
  if (requestCtx !== undefined && headers[REQUEST_ID_HEADER] === undefined) headers[REQUEST_ID_HEADER] = requestCtx.requestId;
  propagation.inject(ctx, headers, setter);
  return headers;
}
