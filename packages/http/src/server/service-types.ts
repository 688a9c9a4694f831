import type { Logger, Metrics } from '@podkit/core';

/** The kinds of Kubernetes probes. */
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/**
 * The part of a core health report `serve()` reads (with `probeDetail: 'full'` the whole report
 * is sent as the body, so redact secrets in it first, as core's health does with `redactValues`).
 */
export interface ProbeReport {
  /** Overall status; `down` answers 503. */
  readonly status: 'up' | 'down';
}

/** The part of core's `Health` that `serve()` uses. */
export interface ServeHealth {
  /** Cached, synchronous report for a probe kind. */
  report(kind: ProbeKind): ProbeReport;
}

/** What a drainer receives from core's lifecycle. */
export interface DrainContext {
  /** Epoch ms by which the drain must be done. */
  readonly deadline: number;
  /** Aborted when the drain budget is over. */
  readonly signal: AbortSignal;
}

/** The part of core's `Lifecycle` that `serve()` uses. */
export interface ServeLifecycle {
  /** Registers the HTTP server's drainer (called after the propagation delay). */
  addDrainer(drainer: { name: string; drain: (ctx: DrainContext) => Promise<unknown> }): unknown;
  /** Registers a shutdown hook (used to close the admin server after everything else). */
  addHook(hook: { name: string; run: (signal: AbortSignal) => Promise<void> | void; timeoutMs?: number }): unknown;
  /**
   * Calls `listener` the moment shutdown begins, before the propagation delay: `serve()` ends
   * keep-alive then (every response carries `Connection: close`, so pooled clients move off
   * before the drain). Without it, keep-alive ends only when the drain starts.
   * @default undefined
   */
  onShutdown?(listener: (reason: string) => void): unknown;
}

/**
 * What `serve()` needs from a service: core's `Service` (from `createService`) fits, and so does
 * any object with these members.
 */
export interface ServeService {
  /** Service logger: access lines and handler errors. */
  readonly logger: Logger;
  /** Service metrics: the registry HTTP metrics are registered on and the `/metrics` body. */
  readonly metrics: Metrics;
  /** Health registry answering the probes. */
  readonly health: ServeHealth;
  /** Lifecycle that drains the server on SIGTERM. */
  readonly lifecycle: ServeLifecycle;
}
