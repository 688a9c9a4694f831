import type { TracerProvider } from '@opentelemetry/api';
import { HttpOptionsError } from './errors.ts';
import type { ServeDiagnostics } from './diagnostics-endpoints.ts';
import type { LoadSheddingOptions } from './load-shedding.ts';
import { PROBE_DETAILS } from './probes.ts';
import type { ProbeDetail, ProbePaths } from './probes.ts';

/** Options of `serve()`. Every field is optional; see each `@default`. */
export interface ServeOptions {
  /** Port to listen on; `0` picks a free one (read it from `server.port`). @default 8080 */
  port?: number;
  /** Address to bind. @default undefined (all interfaces, IPv6 and IPv4) */
  host?: string;
  /**
   * Probe and metrics endpoint paths; `false` disables one, `false` for the whole object
   * disables all.
   * @default { liveness: '/health', readiness: '/ready', startup: '/startup', metrics: '/metrics' }
   */
  probes?: ProbePaths | false;
  /**
   * Serve probes and metrics on this separate port (keeping them off the public ingress)
   * instead of the main one; `0` picks a free port.
   * @default undefined (probes on the main port)
   */
  adminPort?: number;
  /** Address the admin server binds. @default undefined (all interfaces) */
  adminHost?: string;
  /**
   * How much the probe bodies of this `serve()` tell (see {@link ProbeDetail}): `'full'` (every
   * check with its error message) or `'status'` (`{ status, kind }` only). Probes on the main
   * port are reachable wherever the service is (an Ingress included), so they answer status
   * only; on a separate admin port, which stays inside the cluster, the full report. Either way
   * secret values are masked (core's `redactValues`). Like Spring Boot Actuator's
   * `management.endpoint.health.show-details` (`never` by default).
   * @default adminPort === undefined ? 'status' : 'full'
   */
  probeDetail?: ProbeDetail;
  /** Include probe and metrics requests in access logs, traces and metrics. @default false */
  instrumentProbes?: boolean;
  /** Write one access-log line per request. @default true */
  accessLog?: boolean;
  /** Record HTTP metrics on the service registry. @default true */
  metrics?: boolean | { buckets?: readonly number[]; maxRoutes?: number };
  /** Extract W3C trace context and create a server span per request. @default true */
  tracing?: boolean;
  /** Tracer provider for server spans. @default the global provider (`trace.getTracerProvider()`) */
  tracerProvider?: TracerProvider;
  /** Request id header, read and echoed. @default 'x-request-id' */
  requestIdHeader?: string;
  /**
   * Idle keep-alive timeout; longer than common load-balancer idle timeouts (60 s) so the LB,
   * not Node, closes idle connections (Node's own 5 s default causes sporadic 502s).
   * @default 65000
   */
  keepAliveTimeoutMs?: number;
  /** Time allowed to receive a request's headers; must exceed `keepAliveTimeoutMs`. @default keepAliveTimeoutMs + 1000 */
  headersTimeoutMs?: number;
  /** Time allowed to receive a whole request (slow-upload guard); `>= headersTimeoutMs`. @default 120000 */
  requestTimeoutMs?: number;
  /** Largest request header section in bytes; larger requests get 431. @default 16384 */
  maxHeaderSize?: number;
  /**
   * Longest time budget a request gets, in ms. The caller's remaining budget arrives in the
   * `x-podkit-timeout-ms` header (or Envoy's `x-envoy-expected-rq-timeout-ms`) and is capped by
   * this; a request without either gets this budget. It becomes the request context's deadline
   * (core's `remainingTimeMs()`), which bounds every podkit client call made while handling the
   * request and travels on in their headers. A route overrides it with `maxDeadlineMs` in its
   * schemas. A request that arrives with a budget of 0 is answered 504 at once, no handler run.
   * @default 30000
   */
  maxDeadlineMs?: number;
  /** Name of the drainer registered on the lifecycle. @default 'http' */
  name?: string;
  /**
   * Answer 503 + `Retry-After` to non-probe requests read while the event loop is saturated
   * (see {@link LoadSheddingOptions}), so liveness probes keep answering and Kubernetes does not
   * restart an overloaded but healthy pod. `false` turns it off.
   * @default {} (on: maxEventLoopDelayMs 200, windowMs 1000, retryAfterSeconds 1)
   */
  loadShedding?: false | LoadSheddingOptions;
  /**
   * Serve `POST /debug/heap-snapshot` and `POST /debug/report` on the admin port, writing the
   * file through core's `createDiagnostics()` and answering 201 with its path (never its
   * content); a GET answers 405, a request while one is being written 409, too little free
   * space 507. Never served on the main port (the paths answer 404 there): requires `adminPort`.
   * @default undefined (not served)
   */
  diagnostics?: ServeDiagnostics;
}

/** Default {@link ServeOptions.maxDeadlineMs}. @internal */
export const DEFAULT_MAX_DEADLINE_MS = 30_000;

/** {@link ServeOptions} with defaults applied and validated. @internal */
export interface ResolvedServeOptions {
  readonly port: number;
  readonly host: string | undefined;
  readonly probes: ProbePaths | false;
  readonly adminPort: number | undefined;
  readonly adminHost: string | undefined;
  readonly probeDetail: ProbeDetail;
  readonly instrumentProbes: boolean;
  readonly accessLog: boolean;
  readonly metrics: false | { buckets?: readonly number[]; maxRoutes?: number };
  readonly tracing: boolean;
  readonly tracerProvider: TracerProvider | undefined;
  readonly requestIdHeader: string;
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxHeaderSize: number;
  readonly maxDeadlineMs: number;
  readonly name: string;
  readonly loadShedding: false | LoadSheddingOptions;
  readonly diagnostics: ServeDiagnostics | undefined;
}

function port(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 65535)) {
    throw new HttpOptionsError(name, `expected an integer port 0-65535, got ${String(value)}`);
  }
}

function positive(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0) throw new HttpOptionsError(name, `expected a positive integer, got ${String(value)}`);
}

/** Applies defaults and validates, naming the option and the reason on error. @internal */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  port('port', options.port);
  port('adminPort', options.adminPort);
  const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 65_000;
  const headersTimeoutMs = options.headersTimeoutMs ?? keepAliveTimeoutMs + 1000;
  const requestTimeoutMs = options.requestTimeoutMs ?? Math.max(120_000, headersTimeoutMs);
  const maxHeaderSize = options.maxHeaderSize ?? 16_384;
  positive('keepAliveTimeoutMs', keepAliveTimeoutMs);
  positive('headersTimeoutMs', headersTimeoutMs);
  positive('requestTimeoutMs', requestTimeoutMs);
  positive('maxHeaderSize', maxHeaderSize);
  const maxDeadlineMs = options.maxDeadlineMs ?? DEFAULT_MAX_DEADLINE_MS;
  positive('maxDeadlineMs', maxDeadlineMs);
  if (headersTimeoutMs <= keepAliveTimeoutMs) {
    throw new HttpOptionsError('headersTimeoutMs', `must exceed keepAliveTimeoutMs (${keepAliveTimeoutMs}), got ${headersTimeoutMs}`);
  }
  if (requestTimeoutMs < headersTimeoutMs) {
    throw new HttpOptionsError('requestTimeoutMs', `must be at least headersTimeoutMs (${headersTimeoutMs}), got ${requestTimeoutMs}`);
  }
  const requestIdHeader = (options.requestIdHeader ?? 'x-request-id').toLowerCase();
  if (!/^[a-z0-9-]+$/.test(requestIdHeader)) {
    throw new HttpOptionsError('requestIdHeader', `expected a header name, got ${JSON.stringify(options.requestIdHeader)}`);
  }
  if (options.adminPort !== undefined && options.adminPort !== 0 && options.adminPort === (options.port ?? 8080)) {
    throw new HttpOptionsError('adminPort', `must differ from port (${options.port ?? 8080})`);
  }
  const probeDetail = options.probeDetail ?? (options.adminPort === undefined ? 'status' : 'full');
  if (!PROBE_DETAILS.includes(probeDetail)) {
    throw new HttpOptionsError('probeDetail', `expected one of ${PROBE_DETAILS.map((d) => `'${d}'`).join(', ')}, got ${JSON.stringify(options.probeDetail)}`);
  }
  if (options.diagnostics !== undefined && options.adminPort === undefined) {
    throw new HttpOptionsError('diagnostics', 'requires adminPort: heap snapshots and reports are never served on the main port');
  }
  const metrics = options.metrics ?? true;
  return Object.freeze({
    port: options.port ?? 8080,
    host: options.host,
    probes: options.probes ?? {},
    adminPort: options.adminPort,
    adminHost: options.adminHost,
    probeDetail,
    instrumentProbes: options.instrumentProbes ?? false,
    accessLog: options.accessLog ?? true,
    metrics: metrics === true ? {} : metrics,
    tracing: options.tracing ?? true,
    tracerProvider: options.tracerProvider,
    requestIdHeader,
    keepAliveTimeoutMs,
    headersTimeoutMs,
    requestTimeoutMs,
    maxHeaderSize,
    maxDeadlineMs,
    name: options.name ?? 'http',
    loadShedding: options.loadShedding ?? {},
    diagnostics: options.diagnostics,
  });
}
