import type { DestinationStream, LevelWithSilent, Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createHealth } from './health.ts';
import type { Health } from './health.ts';
import { createEventLoopDelayCheck } from './health/event-loop-check.ts';
import type { EventLoopDelayCheckOptions } from './health/event-loop-check.ts';
import { createLifecycle } from './lifecycle.ts';
import type { Lifecycle, LifecycleOptions } from './lifecycle.ts';
import { createLogger } from './logger.ts';
import { flushLogger } from './logging/flush.ts';
import { createMetrics } from './metrics.ts';
import type { Metrics } from './metrics.ts';

/**
 * Options of {@link createService}. Everything but `name` and `version` has a default. The
 * shutdown-budget options (`gracePeriodMs`, `propagationDelayMs`, ...) are the lifecycle's,
 * passed through unchanged.
 */
export interface ServiceOptions
  extends Pick<
    LifecycleOptions,
    'gracePeriodMs' | 'propagationDelayMs' | 'drainTimeoutMs' | 'hooksTimeoutMs' | 'safetyMarginMs' | 'exit' | 'process' | 'env'
  > {
  /** Service name (`service` on log lines and metrics). */
  readonly name: string;
  /** Service version (`version` on log lines and metrics). */
  readonly version: string;
  /** Minimum log level; change later with `service.logger.level = ...`. @default 'info' */
  readonly logLevel?: LevelWithSilent;
  /** Log destination. @default stdout */
  readonly destination?: DestinationStream;
  /** Use this logger instead of creating one. @default createLogger(...) */
  readonly logger?: Logger;
  /**
   * Secret values to mask in every log line (see `LoggerOptions.redactValues`) and in every
   * health report, hence every probe body (see `HealthOptions.redactValues`). Also applied to
   * reports when you pass your own `logger` (give that logger the same source).
   * @default undefined
   */
  readonly redactValues?: () => Iterable<string>;
  /** Extra redact paths (see `LoggerOptions.redactPaths`). @default [] */
  readonly redactPaths?: readonly string[];
  /** Registry for this service's metrics. @default new Registry() */
  readonly registry?: Registry;
  /** Collect Node runtime metrics. @default true */
  readonly runtimeMetrics?: boolean;
  /** The built-in event-loop-delay readiness check; `false` disables it. @default {} (enabled) */
  readonly eventLoopCheck?: EventLoopDelayCheckOptions | false;
}

/** A wired service runtime: logger, metrics, health and lifecycle that know each other. */
export interface Service {
  /** Service name. */
  readonly name: string;
  /** Service version. */
  readonly version: string;
  /** The service logger (pino). */
  readonly logger: Logger;
  /** Metrics on the service's own registry. */
  readonly metrics: Metrics;
  /** Health checks and probe reports. */
  readonly health: Health;
  /** Signals, drain and shutdown hooks. */
  readonly lifecycle: Lifecycle;
  /** Starts background checks, installs signal handlers, marks startup complete. */
  start(): Promise<void>;
  /** Runs the shutdown sequence (then `exit` is called). */
  shutdown(reason?: string): Promise<void>;
  /** Releases everything without exiting: handlers, check timers, metrics; flushes logs. */
  close(): Promise<void>;
}

/**
 * Wires a logger, metrics, health (with the event-loop-delay check) and a lifecycle for one
 * service. No HTTP: pass the result to `@podkit/http`'s `serve()`, or use it in a worker.
 *
 * @example
 * ```ts
 * const service = createService({ name: 'thumbnailer', version: '2.1.0' });
 * service.health.register({ name: 'queue', check: () => queue.ping() });
 * service.lifecycle.addDrainer({ name: 'consumer', drain: () => consumer.stop() });
 * await service.start();
 * ```
 */
export function createService(options: ServiceOptions): Service {
  const identity = { name: options.name, version: options.version };
  const logger =
    options.logger ??
    createLogger({
      service: identity,
      ...(options.logLevel !== undefined ? { level: options.logLevel } : {}),
      ...(options.destination !== undefined ? { destination: options.destination } : {}),
      ...(options.redactValues !== undefined ? { redactValues: options.redactValues } : {}),
      ...(options.redactPaths !== undefined ? { redactPaths: options.redactPaths } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
    });
  const metrics = createMetrics({
    service: identity,
    ...(options.registry !== undefined ? { registry: options.registry } : {}),
    ...(options.runtimeMetrics !== undefined ? { runtimeMetrics: options.runtimeMetrics } : {}),
  });
  const health = createHealth({
    logger: logger.child({ component: 'health' }),
    metrics,
    ...(options.redactValues !== undefined ? { redactValues: options.redactValues } : {}),
  });
  if (options.eventLoopCheck !== false) health.register(createEventLoopDelayCheck(options.eventLoopCheck ?? {}));
  const lifecycle = createLifecycle({
    logger,
    health,
    metrics,
    gracePeriodMs: options.gracePeriodMs,
    propagationDelayMs: options.propagationDelayMs,
    drainTimeoutMs: options.drainTimeoutMs,
    hooksTimeoutMs: options.hooksTimeoutMs,
    safetyMarginMs: options.safetyMarginMs,
    exit: options.exit,
    process: options.process,
    env: options.env,
  });
  lifecycle.addHook({ name: 'health-checks', run: () => health.close() });

  return {
    name: options.name,
    version: options.version,
    logger,
    metrics,
    health,
    lifecycle,
    start(): Promise<void> {
      health.start();
      lifecycle.start();
      health.markStarted();
      logger.info({ plan: lifecycle.plan }, 'service started');
      return Promise.resolve();
    },
    shutdown(reason?: string): Promise<void> {
      return lifecycle.shutdown(reason);
    },
    async close(): Promise<void> {
      lifecycle.dispose();
      health.close();
      metrics.close();
      await flushLogger(logger);
    },
  };
}
