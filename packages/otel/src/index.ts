// Public API of @podkit/otel. Explicit named exports only.

// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';

export { OtelNodeVersionError, PodkitOtelError, TelemetryConfigError, isPodkitOtelError } from './errors.ts';
export { startTelemetry } from './telemetry.ts';
export { otelTelemetry } from './service-starter.ts';
export type { TelemetryServiceHandle, TelemetryServiceInfo } from './service-starter.ts';
export type { Telemetry, TelemetryOptions, TelemetryService } from './telemetry.ts';
export { SAMPLER_NAMES, readTelemetrySettings } from './settings.ts';
export type { SamplerName, TelemetryEnv, TelemetrySettings } from './settings.ts';
