import { createLogger } from '@podkit/core';
import { startTelemetry } from '@podkit/otel';

/** Options for {@link registerTelemetry}. */
export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** Environment (reads the standard `OTEL_*` variables, `OTEL_EXPORTER_OTLP_ENDPOINT` first). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The registered SDK: flush and stop it at shutdown. */
export interface Telemetry {
  /** True when spans are exported over OTLP. */
  readonly exporting: boolean;
  /** Flushes pending spans and stops the provider. */
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK with `@podkit/otel` (W3C trace-context propagation,
 * AsyncLocalStorage context), so a request through the gateway carries one trace id across every
 * service's logs. With `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans are exported over OTLP/HTTP;
 * without it, trace ids are still logged and propagated, nothing is exported.
 *
 * The bootstrap calls this before it creates the service, and adds the flush hook itself: the
 * startup line and a warning about a second `@opentelemetry/api` copy go to a logger of their own
 * with the service's identity.
 */
export async function registerTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const service = { name: options.serviceName, version: options.serviceVersion };
  const logger = createLogger({ service, env: options.env });
  return startTelemetry({ ...service, logger }, { env: options.env });
}
