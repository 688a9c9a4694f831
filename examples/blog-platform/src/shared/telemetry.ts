import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as OtelApi from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, SamplingDecision, type Sampler } from '@opentelemetry/sdk-trace-base';
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

/** Records root spans without sampling them: trace ids exist and propagate; nothing is exported. */
const recordOnly: Sampler = {
  shouldSample: () => ({ decision: SamplingDecision.RECORD }),
  toString: () => 'RecordOnlySampler',
};

/**
 * Registers the OpenTelemetry SDK with W3C trace-context propagation and AsyncLocalStorage
 * context, so a request through the gateway carries one trace id across every service's logs.
 *
 * With `OTEL_EXPORTER_OTLP_ENDPOINT` set, spans are sampled (parent-based, always on) and sent
 * with the OTLP HTTP exporter in batches. Without it, nothing is exported: a root span is
 * recorded but not sampled (so podkit's server keeps its context and the trace id reaches the
 * logs and the next service), and spans under it are not recorded at all.
 */
export async function registerTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const endpoint = options.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  const exporting = endpoint !== undefined && endpoint !== '';
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, 'service.version': options.serviceVersion }),
    sampler: new ParentBasedSampler({ root: exporting ? new AlwaysOnSampler() : recordOnly }),
    spanProcessors: exporting ? [new BatchSpanProcessor(new OTLPTraceExporter())] : [],
  });
  const api = await podkitOtelApi();
  // no provider.register(): see podkitOtelApi
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(provider);
  return {
    exporting,
    shutdown: () => provider.shutdown(),
  };
}

/**
 * The `@opentelemetry/api` copy podkit resolves. The SDK 2.x packages declare
 * `@opentelemetry/api >=1.0.0 <1.10.0`, so npm nests a 1.9 copy under them while podkit uses the
 * root 1.10. The API only shares globals registered by an equal or newer minor, so the SDK must
 * be registered through podkit's (newer) copy; the SDK's own 1.9 copy then reads it fine.
 */
async function podkitOtelApi(): Promise<typeof OtelApi> {
  const fromCore = createRequire(fileURLToPath(import.meta.resolve('@podkit/core')));
  return (await import(pathToFileURL(fromCore.resolve('@opentelemetry/api')).href)) as typeof OtelApi;
}
