import {
  createHealth,
  createLifecycle,
  createLogger,
  createMetrics,
  isLogLevel,
  type Health,
  type Lifecycle,
  type Logger,
  type Metrics,
} from '@podkit/core';

/** Options for {@link createPlatformService}. */
export interface PlatformServiceOptions {
  readonly name: string;
  readonly version: string;
  /** Log level (config `log.level`). */
  readonly level: string;
  /** Values to scrub from every log line (the config's secrets). */
  readonly secretValues: () => Iterable<string>;
  /** `terminationGracePeriodSeconds` in ms; unset → core reads `PODKIT_GRACE_PERIOD_SECONDS`. */
  readonly gracePeriodMs?: number | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The podkit core parts of one service process. */
export interface PlatformService {
  readonly name: string;
  readonly version: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly health: Health;
  readonly lifecycle: Lifecycle;
}

/**
 * Wires core's logger, metrics, health and lifecycle for one service: JSON logs that scrub
 * secret values, a registry of its own, health checks that feed the probes, and a lifecycle
 * that turns readiness off on SIGTERM, drains, runs hooks and exits. The health registry is
 * closed and its background checks stopped as the last hook.
 */
export function createPlatformService(o: PlatformServiceOptions): PlatformService {
  const identity = { name: o.name, version: o.version };
  const logger = createLogger({
    service: identity,
    level: isLogLevel(o.level) ? o.level : 'info',
    redactValues: o.secretValues,
  });
  const metrics = createMetrics({ service: identity });
  const health = createHealth({ logger, metrics });
  const lifecycle = createLifecycle({
    logger,
    health,
    metrics,
    env: o.env,
    ...(o.gracePeriodMs === undefined ? {} : { gracePeriodMs: o.gracePeriodMs }),
  });
  lifecycle.addHook({ name: 'health', run: () => health.close() });
  health.start();
  return { name: o.name, version: o.version, logger, metrics, health, lifecycle };
}
