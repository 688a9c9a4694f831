/**
 * Header carrying a call's remaining time budget in whole milliseconds (`x-podkit-timeout-ms: 850`).
 * `serve()` reads it into the request context's deadline; every client attempt sends what remains
 * of its own deadline in it. A relative budget, not an absolute time, so clock skew between pods
 * does not matter (as gRPC's `grpc-timeout`). See docs/decisions/deadline-propagation.md.
 */
export const DEADLINE_HEADER = 'x-podkit-timeout-ms';

/**
 * Envoy's header with the same meaning (`x-envoy-expected-rq-timeout-ms`): accepted inbound when
 * {@link DEADLINE_HEADER} is absent, so a podkit service behind an Envoy sidecar or Istio takes
 * the budget the mesh gives it.
 */
export const ENVOY_DEADLINE_HEADER = 'x-envoy-expected-rq-timeout-ms';

/**
 * Response header by which a podkit server tells its callers not to retry: it answered because
 * its own upstream failed (breaker open, retries or retry budget exhausted, upstream deadline),
 * and the retrying has already been done, at one layer. Podkit clients and the proxy never retry
 * a response that carries it. The value names the reason (`upstream`, `deadline`).
 */
export const NO_RETRY_HEADER = 'x-podkit-no-retry';

/** Largest budget accepted in a header: about 24 days, the largest delay a Node timer takes. */
const MAX_HEADER_MS = 2_147_483_647;

/**
 * Parses a timeout header value: whole milliseconds, digits only. Returns `undefined` when the
 * header is absent and `NaN` when it is malformed (the caller answers 400 naming the header).
 * @internal
 */
export function parseTimeoutHeader(value: string | string[] | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 10) return Number.NaN;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
  }
  const n = Number(value);
  return n > MAX_HEADER_MS ? MAX_HEADER_MS : n;
}
