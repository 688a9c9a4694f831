import { TelemetryConfigError } from './errors.ts';
import { parseKeyPairs } from './internal/key-pairs.ts';

/** An environment: `process.env` or a test's own record. */
export type TelemetryEnv = Readonly<Record<string, string | undefined>>;

/** The `OTEL_TRACES_SAMPLER` values this package supports (the specification's built-in samplers). */
export const SAMPLER_NAMES: readonly SamplerName[] = Object.freeze([
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
]);

/** A built-in sampler, as named by `OTEL_TRACES_SAMPLER`. */
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';

/** What {@link readTelemetrySettings} read from the standard `OTEL_*` variables. */
export interface TelemetrySettings {
  /** `OTEL_SDK_DISABLED=true`: register nothing. */
  readonly disabled: boolean;
  /** `service.name`: `OTEL_SERVICE_NAME`, else `service.name` of `OTEL_RESOURCE_ATTRIBUTES`, else the service's name. */
  readonly serviceName: string;
  /** Every resource attribute, `service.name` and `service.version` included. */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /**
   * Where spans are sent (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` as is, or
   * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`); `undefined`: nothing is exported.
   */
  readonly tracesUrl: string | undefined;
  /** Export request headers (`OTEL_EXPORTER_OTLP_HEADERS`, overridden per key by `OTEL_EXPORTER_OTLP_TRACES_HEADERS`). Secret: never logged. */
  readonly headers: Readonly<Record<string, string>>;
  /** `OTEL_TRACES_SAMPLER` (default `parentbased_always_on`). */
  readonly sampler: SamplerName;
  /** `OTEL_TRACES_SAMPLER_ARG` for the ratio samplers, in [0, 1] (default 1). */
  readonly samplerRatio: number;
  /**
   * The protocol asked for by `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`
   * when it is not `http/json` (the one this package sends); `undefined` otherwise.
   */
  readonly unsupportedProtocol: string | undefined;
}

/**
 * Reads the standard OpenTelemetry SDK variables: `OTEL_SDK_DISABLED`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_TRACES_EXPORTER` (`otlp` or `none`), `OTEL_TRACES_SAMPLER`,
 * `OTEL_TRACES_SAMPLER_ARG`, `OTEL_EXPORTER_OTLP_ENDPOINT`, `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`,
 * `OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_EXPORTER_OTLP_TRACES_HEADERS` and the protocol variables.
 * An empty variable counts as unset.
 *
 * @param service - the name and version the code gives (the defaults of `service.name` / `service.version`)
 * @param env - the environment to read
 * @throws TelemetryConfigError naming the variable and the reason when a value cannot be used
 * @example
 * ```ts
 * readTelemetrySettings({ name: 'orders', version: '1.0.0' }, { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' }).samplerRatio; // 0.1
 * ```
 */
export function readTelemetrySettings(service: { readonly name: string; readonly version: string }, env: TelemetryEnv): TelemetrySettings {
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const attributes = {
    'service.name': service.name,
    'service.version': service.version,
    ...parseKeyPairs('OTEL_RESOURCE_ATTRIBUTES', get('OTEL_RESOURCE_ATTRIBUTES')),
  };
  const serviceName = get('OTEL_SERVICE_NAME') ?? attributes['service.name'];
  attributes['service.name'] = serviceName;
  const exporter = get('OTEL_TRACES_EXPORTER')?.toLowerCase() ?? 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none') {
    throw new TelemetryConfigError('OTEL_TRACES_EXPORTER', `"${exporter}" is not supported: use "otlp" (the default) or "none"`);
  }
  const tracesUrl = exporter === 'none' ? undefined : readTracesUrl(get);
  const protocol = get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? get('OTEL_EXPORTER_OTLP_PROTOCOL');
  return Object.freeze({
    disabled: readBoolean('OTEL_SDK_DISABLED', get('OTEL_SDK_DISABLED')),
    serviceName,
    resourceAttributes: Object.freeze(attributes),
    tracesUrl,
    headers: Object.freeze({
      ...parseKeyPairs('OTEL_EXPORTER_OTLP_HEADERS', get('OTEL_EXPORTER_OTLP_HEADERS')),
      ...parseKeyPairs('OTEL_EXPORTER_OTLP_TRACES_HEADERS', get('OTEL_EXPORTER_OTLP_TRACES_HEADERS')),
    }),
    sampler: readSampler(get('OTEL_TRACES_SAMPLER')),
    samplerRatio: readRatio(get('OTEL_TRACES_SAMPLER_ARG')),
    unsupportedProtocol: protocol === undefined || protocol === 'http/json' ? undefined : protocol,
  });
}

function readBoolean(variable: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new TelemetryConfigError(variable, `"${value}" is not a boolean: use "true" or "false"`);
}

function readSampler(value: string | undefined): SamplerName {
  if (value === undefined) return 'parentbased_always_on';
  const name = value.toLowerCase();
  if ((SAMPLER_NAMES as readonly string[]).includes(name)) return name as SamplerName;
  throw new TelemetryConfigError('OTEL_TRACES_SAMPLER', `"${value}" is not supported: use one of ${SAMPLER_NAMES.join(', ')}`);
}

function readRatio(value: string | undefined): number {
  if (value === undefined) return 1;
  const ratio = Number(value);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return ratio;
  throw new TelemetryConfigError('OTEL_TRACES_SAMPLER_ARG', `"${value}" is not a sampling ratio: use a number from 0 to 1 (e.g. 0.1)`);
}

/** The traces URL; the value is never echoed (a URL may carry credentials). */
function readTracesUrl(get: (name: string) => string | undefined): string | undefined {
  const specific = get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  if (specific !== undefined) return checkUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', specific);
  const base = get('OTEL_EXPORTER_OTLP_ENDPOINT');
  if (base === undefined) return undefined;
  checkUrl('OTEL_EXPORTER_OTLP_ENDPOINT', base);
  return `${base.endsWith('/') ? base : `${base}/`}v1/traces`;
}

function checkUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TelemetryConfigError(variable, 'is not an absolute URL (expected e.g. http://otel-collector.observability:4318)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TelemetryConfigError(variable, `has the scheme "${url.protocol}": OTLP/HTTP needs http: or https: (gRPC is not supported)`);
  }
  return value;
}
