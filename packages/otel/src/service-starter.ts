import { createLogger } from '@podkit/core';
import { startTelemetry } from './telemetry.ts';
import type { TelemetryOptions } from './telemetry.ts';

/** What a service entry point tells its telemetry starter (`@podkit/service`'s `ServiceInfo`). */
export interface TelemetryServiceInfo {
  /** The service name (`service.name`, unless `OTEL_SERVICE_NAME` says otherwise). */
  readonly name: string;
  /** The service version (`service.version`). */
  readonly version: string;
  /** The environment the service was started with (the `OTEL_*` variables are read from it). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What the starter returns: the shape `@podkit/service` runs as its last shutdown hook. */
export interface TelemetryServiceHandle {
  /** Fields added to the `configuration loaded` line: `{ tracing: 'otlp' | 'ids only' | 'disabled' }`. */
  readonly logFields: Readonly<Record<string, unknown>>;
  /** Flushes pending spans and stops the SDK. */
  close(): Promise<void>;
}

/**
 * {@link startTelemetry} as a telemetry starter for `@podkit/service`: pass it as a service
 * definition's `telemetry` and the SDK starts before anything else of the service exists and is
 * flushed by the service's last shutdown hook. Its startup line (and the warning about a second
 * `@opentelemetry/api` copy) goes to a logger of its own with the service's identity. Typed
 * structurally, so neither package depends on the other.
 *
 * @param options - as for {@link startTelemetry}, except `env`, which comes from the service
 * @example
 * ```ts
 * import { runService } from '@podkit/service';
 * import { otelTelemetry } from '@podkit/otel';
 *
 * await runService({ name: 'orders', version: '1.4.0', config, telemetry: otelTelemetry(), setup });
 * ```
 */
export function otelTelemetry(options: Omit<TelemetryOptions, 'env'> = {}): (info: TelemetryServiceInfo) => Promise<TelemetryServiceHandle> {
  return async ({ name, version, env }) => {
    const service = { name, version };
    const logger = createLogger({ service, env });
    const sdk = await startTelemetry({ ...service, logger }, { ...options, env });
    const tracing = !sdk.enabled ? 'disabled' : sdk.exporting ? 'otlp' : 'ids only';
    return { logFields: { tracing }, close: () => sdk.shutdown() };
  };
}
