// Public API of @podkit/http. Explicit named exports only.

// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';

// --- server (serving, router, probes, draining) -------------------------------
export { HttpNodeVersionError, PodkitHttpError, isPodkitHttpError } from './errors.ts';
export { serve } from './server/serve.ts';
export type { PodkitServer } from './server/serve.ts';
export type { ServeOptions } from './server/options.ts';
export type { DrainContext, ProbeKind, ProbeReport, ServeHealth, ServeLifecycle, ServeService } from './server/service-types.ts';
export type { HttpDrainResult } from './server/connection-tracker.ts';
export type { ProbeDetail, ProbePaths } from './server/probes.ts';
export type { LoadSheddingOptions } from './server/load-shedding.ts';
export { DIAGNOSTICS_PATHS } from './server/diagnostics-endpoints.ts';
export type { ServeDiagnosticFile, ServeDiagnostics } from './server/diagnostics-endpoints.ts';
export { HttpOptionsError, ListenError, ProblemError, isHttpOptionsError, isProblemError } from './server/errors.ts';
export { PROBLEM_CONTENT_TYPE, problem, sendProblem } from './server/problem.ts';
export type { Problem, ProblemFieldError } from './server/problem.ts';
export { setRouteTemplate } from './server/route-template.ts';
export { expressErrorHandler } from './server/express-error-handler.ts';
export { expressNotFound } from './server/express-not-found.ts';
export type { ExpressErrorHandlerOptions } from './server/express-error-handler.ts';
export { REQUEST_ID_HEADER } from './server/request-id.ts';
export { DEFAULT_DURATION_BUCKETS, OTHER_METHOD, OVERFLOW_ROUTE, UNMATCHED_ROUTE } from './server/http-metrics.ts';
export { Router, createRouter, isRouter } from './router/router.ts';
export type { RouterLogger, RouterOptions } from './router/router.ts';
export { Reply, reply } from './router/reply.ts';
export type { RequestListener, RouteHandler, RouteInput, RouteMethod, RouteSchemas, Validated } from './router/types.ts';
export { DEFAULT_MAX_JSON_DEPTH, parseJsonSafely } from './router/safe-json.ts';
export { defaultDiscardLimit, readRawBody, refuseBody } from './body/raw-body.ts';
export type { RawBodyOptions } from './body/raw-body.ts';
// --- end server ------------------------------------------------------------------

// --- client address (trusted proxies, X-Forwarded-For, Forwarded) -------------
export { DEFAULT_MAX_FORWARDED_HOPS, createClientAddressResolver } from './client-address/client-address.ts';
export type { AddressedRequest, ClientAddressOptions, ClientAddressResolver, ForwardingHeader } from './client-address/client-address.ts';
export { LOOPBACK_PROXIES, isAddressOrRange, trustedProxies } from './client-address/trusted-proxies.ts';
export type { TrustedProxies } from './client-address/trusted-proxies.ts';
export { TrustedProxyError } from './client-address/errors.ts';
// --- end client address ----------------------------------------------------------

// --- client (resilient service-to-service client) -----------------------------
export { createClient } from './client/create-client.ts';
export { DEFAULT_KEYED_MAX_ORIGINS, DEFAULT_KEYED_MAX_ORIGIN_LABELS, OTHER_ORIGIN_LABEL, createKeyedClient } from './client/keyed-client.ts';
export type { KeyedClientOptions, KeyedHttpClient, KeyedRequestOptions } from './client/keyed-client.ts';
export { DEADLINE_HEADER, ENVOY_DEADLINE_HEADER, NO_RETRY_HEADER } from './deadline/headers.ts';
export type { BreakerSnapshot, HttpClient } from './client/create-client.ts';
export type { BreakerState } from './client/breaker.ts';
export type {
  BreakerOptions,
  BudgetOptions,
  BulkheadOptions,
  ClientLogger,
  ClientOptions,
  EjectionOptions,
  PoolOptions,
  RetryOptions,
  TimeoutOptions,
} from './client/options.ts';
export type { MethodOptions, QueryValue, RequestOptions } from './client/request-options.ts';
export type { ClientResponse, ResponseHeaders } from './client/response.ts';
export { systemClock } from './client/clock.ts';
export type { Clock, RandomSource, TimerHandle } from './client/clock.ts';
export { CLIENT_DEFAULTS } from './client/resolve-options.ts';
export { createUpstreamCheck } from './client/upstream-check.ts';
export type { UpstreamCheckClient, UpstreamCheckOptions } from './client/upstream-check.ts';
export {
  BreakerOpenError,
  BulkheadRejectedError,
  ClientTimeoutError,
  ConnectionError,
  HttpStatusError,
  InvalidClientOptionsError,
  InvalidRequestError,
  InvalidResponseError,
  RequestAbortedError,
  ResponseBodyUsedError,
  RetryBudgetExhaustedError,
} from './client/errors.ts';
export type { TimeoutKind } from './client/errors.ts';
// --- end client ------------------------------------------------------------------

// --- proxy (streaming reverse proxy onto a client) -------------------------------
export { DEFAULT_PROXY_RESPONSE_BUFFER_BYTES, DEFAULT_PROXY_RETRY_BUFFER_BYTES, createProxy } from './proxy/create-proxy.ts';
export type { ProxyHandler, ProxyOptions } from './proxy/create-proxy.ts';
export { downstreamResponseHeaders, upstreamRequestHeaders } from './proxy/forwarded-headers.ts';
export { sendUpstreamProblem } from './proxy/upstream-problem.ts';
export type { UpstreamFailure } from './proxy/upstream-problem.ts';
// --- end proxy -------------------------------------------------------------------
