import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/** Options for {@link registerTelemetry}. */
export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion: string;
  /** Environment (reads `OTEL_EXPORTER_OTLP_ENDPOINT`). */
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
 * Registers the OpenTelemetry SDK with W3C trace-context propagation and AsyncLocalStorage
 * context, so a request through the gateway carries one trace id across every service's logs.
 *
 * With `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans are sampled (parent-based, always on) and sent
 * with the OTLP HTTP exporter in batches. Without it, spans are never recorded (parent-based,
 * always off): trace ids are still created, propagated and logged, at almost no cost.
 */
export function registerTelemetry(options: TelemetryOptions): Telemetry {
  const endpoint = options.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const exporting = endpoint !== undefined && endpoint !== '';
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.serviceVersion }),
    sampler: new ParentBasedSampler({ root: exporting ? new AlwaysOnSampler() : new AlwaysOffSampler() }),
    spanProcessors: exporting ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    exporting,
    shutdown: () => provider.shutdown(),
  };
}
