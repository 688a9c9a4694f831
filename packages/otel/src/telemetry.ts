import { fileURLToPath } from 'node:url';
import type { TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Lifecycle, Logger } from '@podkit/core';
import { TelemetryConfigError } from './errors.ts';
import { loadApiCopy, podkitCoreLocation, sdkTraceLocation } from './internal/api-copy.ts';
import { checkRegistration, type ApiReader } from './internal/check.ts';
import { PodkitContextManager } from './internal/context-manager.ts';
import { IdsOnlyTracerProvider } from './internal/ids-only.ts';
import { createSampler } from './internal/sampler.ts';
import { readTelemetrySettings, type TelemetryEnv, type TelemetrySettings } from './settings.ts';

/**
 * What {@link startTelemetry} needs of the service: its identity, a logger for the startup line
 * and the duplicate-API warning, and (optionally) a lifecycle to flush spans at shutdown. A
 * `Service` from `@podkit/core`'s `createService()` fits as is.
 */
export interface TelemetryService {
  /** Default `service.name` (`OTEL_SERVICE_NAME` overrides it). */
  readonly name: string;
  /** Default `service.version` (`service.version` in `OTEL_RESOURCE_ATTRIBUTES` overrides it). */
  readonly version: string;
  /** Gets one `info` line at startup and the warnings. */
  readonly logger: Pick<Logger, 'info' | 'warn'>;
  /** When given, a `telemetry` shutdown hook flushes and stops the SDK. @default undefined (call `shutdown()` yourself) */
  readonly lifecycle?: Pick<Lifecycle, 'addHook'> | undefined;
}

/** Options of {@link startTelemetry}. */
export interface TelemetryOptions {
  /** Where the `OTEL_*` variables are read. @default process.env */
  readonly env?: TelemetryEnv;
  /** Timeout of the `telemetry` shutdown hook (flushing the last batch). @default 2000 */
  readonly shutdownTimeoutMs?: number;
  /**
   * Register the SDK through the `@opentelemetry/api` copy resolved from this file (or directory
   * ending in a separator) instead of the one this package resolves. The startup check then says
   * whether podkit sees that copy's registration. For setups where the application's own API copy
   * is elsewhere, and for testing the check.
   * @default this package's own `@opentelemetry/api` (its peer dependency, shared with podkit)
   */
  readonly apiFrom?: string;
}

/** A started OpenTelemetry SDK: flush and stop it at shutdown (done by the hook when a lifecycle was given). */
export interface Telemetry {
  /** False when `OTEL_SDK_DISABLED=true`: nothing was registered. */
  readonly enabled: boolean;
  /** True when spans are exported over OTLP/HTTP. */
  readonly exporting: boolean;
  /** What was read from the `OTEL_*` variables. */
  readonly settings: TelemetrySettings;
  /** The registered tracer provider; `undefined` when disabled. */
  readonly tracerProvider: ApiTracerProvider | undefined;
  /** Exports the spans that ended so far. */
  forceFlush(): Promise<void>;
  /** Flushes pending spans, stops the SDK and removes the globals it registered. Idempotent. */
  shutdown(): Promise<void>;
}

/** Shutdown-hook timeout when none is given. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2_000;

/**
 * Starts the OpenTelemetry trace SDK for a service: a tracer provider with the service's
 * resource, W3C trace-context and baggage propagation, and `AsyncLocalStorage` context, all
 * registered globally so `@podkit/http`'s server and client spans and `@podkit/core`'s
 * `trace_id` / `span_id` log fields use it.
 *
 * With `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) set, spans are
 * sampled by `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` (default parent-based, always on)
 * and sent in batches over OTLP/HTTP (JSON). Without it, nothing is exported, but trace ids are
 * still created, logged and propagated to the next service: no SDK span is built then (each span
 * is a non-recording one with fresh ids, the caller's trace id and sampled flag kept), so a
 * request costs a few hundred nanoseconds of tracing instead of an SDK span's microseconds. `OTEL_SDK_DISABLED=true` registers
 * nothing. Nothing global is touched before this is called.
 *
 * After registering, it checks that the `@opentelemetry/api` copy podkit uses sees the provider;
 * if not (two API copies, or another SDK registered first), it logs one warning naming both
 * copies' versions and paths and the fix.
 *
 * Call it before adding other shutdown hooks: hooks run in reverse order, so the `telemetry`
 * hook then runs last and flushes the spans of the others.
 *
 * @throws TelemetryConfigError when an `OTEL_*` variable or an option cannot be used
 * @example
 * ```ts
 * const service = createService({ name: 'orders', version: '1.4.0' });
 * await startTelemetry(service);   // flushed by a `telemetry` shutdown hook
 * await serve(service, app, { port: 8080 });
 * await service.start();
 * ```
 */
export async function startTelemetry(service: TelemetryService, options: TelemetryOptions = {}): Promise<Telemetry> {
  const settings = readTelemetrySettings(service, options.env ?? process.env);
  const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TelemetryConfigError('shutdownTimeoutMs', `${String(timeoutMs)} is not a positive number of milliseconds`);
  }
  if (settings.disabled) {
    service.logger.info({ telemetry: 'disabled' }, 'OpenTelemetry disabled by OTEL_SDK_DISABLED');
    return disabledTelemetry(settings);
  }
  const here = fileURLToPath(import.meta.url);
  const registered = await loadApiCopy(options.apiFrom ?? here);
  // The OTLP exporter (about 8 MiB of RSS with its dependencies) is loaded only when spans are exported.
  const exporter =
    settings.tracesUrl === undefined
      ? undefined
      : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url: settings.tracesUrl, headers: { ...settings.headers } });
  const { api } = registered;
  // Nothing exported: ids without SDK spans (see IdsOnlyTracerProvider); else the SDK as configured.
  const sdkProvider =
    exporter === undefined
      ? undefined
      : new TracerProvider({
          resource: resourceFromAttributes(settings.resourceAttributes),
          sampler: createSampler(settings.sampler, settings.samplerRatio),
          spanProcessors: [new BatchSpanProcessor({ exporter })],
        });
  const provider: ApiTracerProvider = sdkProvider ?? new IdsOnlyTracerProvider(api);
  // podkit's manager keeps the active context in @podkit/core's request-context storage (one
  // AsyncLocalStorage frame per request for both); enabled only once it is the registered one
  const contextManager = new PodkitContextManager();
  const ownsContext = api.context.setGlobalContextManager(contextManager);
  if (ownsContext) contextManager.enable();
  const ownsPropagator = api.propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const ownsProvider = api.trace.setGlobalTracerProvider(provider);

  const problem = checkRegistration(provider, registered, await readers(here));
  if (problem !== undefined) service.logger.warn({ otelApi: problem.fields }, problem.message);
  if (exporter !== undefined && settings.unsupportedProtocol !== undefined) {
    service.logger.warn(
      { protocol: settings.unsupportedProtocol },
      `OTEL_EXPORTER_OTLP_PROTOCOL asks for ${settings.unsupportedProtocol}; @podkit/otel sends http/json, which every OTLP/HTTP receiver (collector port 4318) accepts`,
    );
  }
  service.logger.info(
    {
      telemetry: {
        exporting: exporter !== undefined,
        ...(settings.tracesUrl === undefined ? {} : { endpoint: printableUrl(settings.tracesUrl) }),
        sampler: exporter === undefined ? 'ids only' : settings.sampler,
        serviceName: settings.serviceName,
      },
    },
    'OpenTelemetry started',
  );

  let stopping: Promise<void> | undefined;
  const telemetry: Telemetry = {
    enabled: true,
    exporting: exporter !== undefined,
    settings,
    tracerProvider: provider,
    forceFlush: () => sdkProvider?.forceFlush() ?? Promise.resolve(),
    shutdown(): Promise<void> {
      stopping ??= (async () => {
        try {
          await sdkProvider?.shutdown();
        } finally {
          if (ownsProvider) api.trace.disable();
          if (ownsPropagator) api.propagation.disable();
          if (ownsContext) api.context.disable();
        }
      })();
      return stopping;
    },
  };
  service.lifecycle?.addHook({ name: 'telemetry', run: () => telemetry.shutdown(), timeoutMs });
  return telemetry;
}

/**
 * The API copies that must see the registration: the one `@podkit/core` resolves (its spans and
 * log fields), and the one `@opentelemetry/sdk-trace` resolves (its tracer reads the active
 * context through it). A copy that cannot be resolved from here is skipped.
 */
async function readers(here: string): Promise<ApiReader[]> {
  const found: ApiReader[] = [];
  for (const [key, who, locate] of [
    ['podkit', 'podkit', podkitCoreLocation],
    ['sdk', 'the SDK (@opentelemetry/sdk-trace)', sdkTraceLocation],
  ] as const) {
    try {
      found.push({ key, who, copy: await loadApiCopy(locate(here)) });
    } catch {
      // not resolvable from here: nothing to check
    }
  }
  return found;
}

/** The URL without credentials or query, for the startup line. */
function printableUrl(value: string): string {
  const url = new URL(value);
  return `${url.origin}${url.pathname}`;
}

function disabledTelemetry(settings: TelemetrySettings): Telemetry {
  return {
    enabled: false,
    exporting: false,
    settings,
    tracerProvider: undefined,
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };
}
