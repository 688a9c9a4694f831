// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';
export {
  ConfigurationError,
  DuplicateHealthCheckError,
  HealthCheckTimeoutError,
  InvalidOptionError,
  LifecycleStateError,
  MetricNameError,
  NodeVersionError,
  PodkitError,
  ShutdownBudgetError,
  DiagnosticsBusyError,
  DiagnosticsDirectoryError,
  DiagnosticsSpaceError,
  isConfigurationError,
  isPodkitError,
} from './errors.ts';
export { getRequestContext, remainingTimeMs, runWithRequestAndTraceContext, runWithRequestContext, traceContextSlot } from './request-context.ts';
export type { RequestContext, TraceContextSlot } from './request-context.ts';
export { getTraceIds, withSpan } from './tracing.ts';
export type { TraceIds, WithSpanOptions } from './tracing.ts';
export { createLogger, isLogLevel } from './logger.ts';
export type { Level, LevelWithSilent, Logger, LoggerOptions, ServiceIdentity } from './logger.ts';
export { DEFAULT_REDACT_KEYS } from './logging/redaction.ts';
export { flushLogger } from './logging/flush.ts';
export { bufferedDestination } from './logging/buffered-destination.ts';
export { createIsoTime } from './logging/iso-time.ts';
export type { BufferedDestination, BufferedDestinationOptions } from './logging/buffered-destination.ts';
export { createMetrics } from './metrics.ts';
export type {
  ConfigReloadResult,
  CounterConfig,
  Exposition,
  GaugeConfig,
  HistogramConfig,
  MetricKind,
  Metrics,
  MetricsOptions,
} from './metrics.ts';
export { createHealth } from './health.ts';
export type {
  CheckReport,
  Health,
  HealthCheckDefinition,
  HealthOptions,
  HealthReport,
  HealthStatus,
  ProbeKind,
} from './health.ts';
export { createEventLoopDelayCheck } from './health/event-loop-check.ts';
export type { DelayMonitor, EventLoopDelayCheckOptions } from './health/event-loop-check.ts';
export { createDependencyCheck } from './health/dependency-check.ts';
export type { DependencyCheckOptions, DependencyCheckSpec } from './health/dependency-check.ts';
export { createPostgresCheck } from './health/postgres-check.ts';
export type { PostgresCheckOptions, PostgresQueryable } from './health/postgres-check.ts';
export { createRedisCheck } from './health/redis-check.ts';
export type { RedisCheckOptions, RedisPingable } from './health/redis-check.ts';
export { createLifecycle } from './lifecycle.ts';
export type {
  DrainContext,
  DrainResult,
  Drainer,
  Lifecycle,
  LifecycleOptions,
  LifecycleProcess,
  LifecycleState,
  ShutdownHook,
  ShutdownPlan,
} from './lifecycle.ts';
export { GRACE_PERIOD_ENV, planShutdown } from './lifecycle/plan.ts';
export type { ShutdownPlanInput } from './lifecycle/plan.ts';
export { createDiagnostics } from './diagnostics.ts';
export type {
  DiagnosticFile,
  DiagnosticKind,
  Diagnostics,
  DiagnosticsOptions,
  DiagnosticsProcess,
  DiagnosticsSignal,
  StatFs,
} from './diagnostics.ts';
export { createService } from './service.ts';
export type { Service, ServiceOptions } from './service.ts';
export { runMain } from './run-main.ts';
export type { RunMainOptions } from './run-main.ts';
