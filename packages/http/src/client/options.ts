import type { Registry, RegistryContentType } from 'prom-client';
import type { Clock, RandomSource } from './clock.ts';

/**
 * The logging calls the client makes: pino's `Logger` (core's `Logger`) satisfies it.
 */
export interface ClientLogger {
  /** Log at info level. */
  info(obj: object, msg?: string): void;
  /** Log at warn level. */
  warn(obj: object, msg?: string): void;
  /** Log at debug level. */
  debug(obj: object, msg?: string): void;
}

/** Connection pool options (one undici `Pool` per origin). */
export interface PoolOptions {
  /**
   * Maximum open connections per origin. Bounds sockets per replica so one slow upstream
   * cannot exhaust file descriptors.
   * @default 100
   */
  connections?: number;
  /**
   * How long an idle socket is kept. Below Node's server default (5 s) and most proxies, so the
   * client closes first and never reuses a socket the server is closing (ECONNRESET race).
   * @default 4000
   */
  keepAliveTimeoutMs?: number;
  /**
   * Requests pipelined per connection. 1 = off: pipelining turns one slow response into
   * head-of-line blocking for others and makes retries unsafe.
   * @default 1
   */
  pipelining?: number;
}

/** Per-attempt timeouts and the total deadline of a call. */
export interface TimeoutOptions {
  /**
   * TCP (and TLS) connect timeout per attempt. In-cluster connects take well under a millisecond;
   * 2 s still covers one SYN retransmission.
   * @default 2000
   */
  connectMs?: number;
  /**
   * Time from sending the request to receiving the response headers, per attempt.
   * @default 5000
   */
  headersMs?: number;
  /**
   * Longest idle gap between body chunks, per attempt.
   * @default 10000
   */
  bodyMs?: number;
  /**
   * Total time for a call across every attempt and backoff, including reading the body in the
   * `json()`/`text()` helpers. A request context deadline (from core) shortens it further.
   * @default 15000
   */
  deadlineMs?: number;
  /**
   * Taken off the remaining budget sent to the upstream in `x-podkit-timeout-ms` with each
   * attempt, for the network and the upstream's queueing, so that the upstream gives up just
   * before this client does rather than just after.
   * @default 10
   */
  deadlineMarginMs?: number;
}

/**
 * Outlier ejection between replicas: an origin that refused a connection is skipped by the
 * balancer for a while (its breaker may take seconds to open), and the refused call is retried
 * at once on another origin, without backoff and without charging the retry budget (it adds no
 * load to the dead replica). Used only with several origins.
 */
export interface EjectionOptions {
  /**
   * How long a refusing origin is skipped.
   * @default 5000
   */
  durationMs?: number;
  /**
   * Largest share of the origins ejected at once (at least one), so that not every replica can be
   * ejected and a client still tries them when all refuse.
   * @default 0.5
   */
  maxEjectedRatio?: number;
}

/** Retry policy. */
export interface RetryOptions {
  /**
   * Attempts in all (first try included).
   * @default 3
   */
  maxAttempts?: number;
  /**
   * Backoff cap of the first retry; retry `n` waits `random() * min(maxDelayMs, baseDelayMs * 2^(n-1))`
   * (exponential backoff with full jitter).
   * @default 100
   */
  baseDelayMs?: number;
  /**
   * Upper bound of a single backoff delay.
   * @default 2000
   */
  maxDelayMs?: number;
  /**
   * Statuses that are retried (for idempotent requests).
   * @default [408, 429, 502, 503, 504]
   */
  retryStatuses?: readonly number[];
}

/** Retry budget (Finagle-style): retries are capped at a share of recent calls. */
export interface BudgetOptions {
  /**
   * Retries allowed as a share of calls in the window.
   * @default 0.2
   */
  ratio?: number;
  /**
   * Retries always allowed per second, so a quiet client can still retry.
   * @default 10
   */
  minPerSecond?: number;
  /**
   * Length of the sliding window.
   * @default 10000
   */
  windowMs?: number;
}

/** Circuit breaker per origin (opossum). */
export interface BreakerOptions {
  /**
   * Share of failed calls in the window that opens the breaker.
   * @default 0.5
   */
  failureRatio?: number;
  /**
   * Calls in the window before the ratio is considered (at least 2: one failure never opens it).
   * @default 20
   */
  minimumVolume?: number;
  /**
   * Rolling window length. Must be longer than one attempt's connect + headers timeout.
   * @default 10000
   */
  windowMs?: number;
  /**
   * Buckets the window is split into.
   * @default 10
   */
  buckets?: number;
  /**
   * Time open before letting trial calls through (half-open).
   * @default 5000
   */
  resetTimeoutMs?: number;
  /**
   * Trial calls allowed at once while half-open.
   * @default 1
   */
  halfOpenMaxCalls?: number;
}

/**
 * Concurrency limit with a bounded queue. A call holds its slot until its response headers arrive
 * (for `json()`, until the body is read) or it fails; waiting in the queue counts against its deadline.
 */
export interface BulkheadOptions {
  /**
   * Calls in flight at once (across origins).
   * @default pool.connections × number of origins
   */
  maxConcurrent?: number;
  /**
   * Calls waiting for a slot; beyond it calls are rejected at once.
   * @default maxConcurrent
   */
  maxQueue?: number;
}

/** Options of {@link createClient}. */
export interface ClientOptions {
  /** Upstream name: used in metrics labels, logs, spans and errors. Required. */
  name: string;
  /**
   * Upstream base URL, or a comma-separated list of replica base URLs (balanced round-robin).
   * Exactly one of `baseUrl` and `origins` is required.
   */
  baseUrl?: string;
  /** Replica base URLs (balanced round-robin). */
  origins?: readonly string[];
  /** prom-client registry for the client metrics. Without it (and without `service`) no metrics. */
  registry?: Registry<RegistryContentType>;
  /** Logger for breaker transitions and retries. */
  logger?: ClientLogger;
  /** A core `Service` (or anything with `logger` and `metrics.registry`): used when `logger`/`registry` are absent. */
  service?: { logger?: ClientLogger; metrics?: { registry: Registry<RegistryContentType> } };
  /** Connection pool. */
  pool?: PoolOptions;
  /** Timeouts. */
  timeouts?: TimeoutOptions;
  /** Retries; `false` disables them. */
  retry?: RetryOptions | false;
  /** Retry budget; `false` disables it. */
  budget?: BudgetOptions | false;
  /** Circuit breaker per origin; `false` disables it. */
  breaker?: BreakerOptions | false;
  /** Bulkhead; `false` disables it. */
  bulkhead?: BulkheadOptions | false;
  /** Outlier ejection between several origins; `false` disables it. */
  ejection?: EjectionOptions | false;
  /** Headers sent on every call. */
  headers?: Readonly<Record<string, string>>;
  /**
   * Bytes of an error response kept in `HttpStatusError.bodySnippet`.
   * @default 1024
   */
  snippetBytes?: number;
  /** Time source (tests). @default systemClock */
  clock?: Clock;
  /** Random source for jitter (tests). @default Math.random */
  random?: RandomSource;
}
