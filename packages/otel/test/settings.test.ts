import { describe, expect, it } from 'vitest';
import { TelemetryConfigError, readTelemetrySettings } from '../src/index.ts';

const service = { name: 'orders', version: '1.0.0' };

describe('readTelemetrySettings', () => {
  it('defaults: no export, parent-based always-on, the service identity as resource', () => {
    expect(readTelemetrySettings(service, {})).toEqual({
      disabled: false,
      serviceName: 'orders',
      resourceAttributes: { 'service.name': 'orders', 'service.version': '1.0.0' },
      tracesUrl: undefined,
      headers: {},
      sampler: 'parentbased_always_on',
      samplerRatio: 1,
      unsupportedProtocol: undefined,
    });
  });

  it('treats empty variables as unset', () => {
    const env = { OTEL_SDK_DISABLED: '', OTEL_SERVICE_NAME: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_TRACES_SAMPLER: '', OTEL_RESOURCE_ATTRIBUTES: '' };
    expect(readTelemetrySettings(service, env)).toEqual(readTelemetrySettings(service, {}));
  });

  it('service.name: OTEL_SERVICE_NAME, then OTEL_RESOURCE_ATTRIBUTES, then the code', () => {
    expect(readTelemetrySettings(service, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs' }).serviceName).toBe('from-attrs');
    expect(readTelemetrySettings(service, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attrs', OTEL_SERVICE_NAME: 'from-env' }).resourceAttributes).toMatchObject({
      'service.name': 'from-env',
    });
    expect(readTelemetrySettings(service, { OTEL_RESOURCE_ATTRIBUTES: 'service.version=2.0.0, team = a%2Cb ,' }).resourceAttributes).toEqual({
      'service.name': 'orders',
      'service.version': '2.0.0',
      team: 'a,b',
    });
  });

  it('the traces URL: the specific endpoint as is, else the base endpoint + /v1/traces; none with OTEL_TRACES_EXPORTER=none', () => {
    expect(readTelemetrySettings(service, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).tracesUrl).toBe('http://c:4318/v1/traces');
    expect(readTelemetrySettings(service, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/otlp/' }).tracesUrl).toBe('http://c:4318/otlp/v1/traces');
    expect(
      readTelemetrySettings(service, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t:443/custom' }).tracesUrl,
    ).toBe('https://t:443/custom');
    expect(readTelemetrySettings(service, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' }).tracesUrl).toBeUndefined();
  });

  it('headers: the traces list wins per key; protocol other than http/json is reported', () => {
    const s = readTelemetrySettings(service, {
      OTEL_EXPORTER_OTLP_HEADERS: 'a=1,b=2',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'b=3',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    });
    expect(s.headers).toEqual({ a: '1', b: '3' });
    expect(s.unsupportedProtocol).toBe('http/protobuf');
    expect(readTelemetrySettings(service, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).unsupportedProtocol).toBeUndefined();
  });

  it('sampler names are case-insensitive; the ratio is read for every sampler', () => {
    expect(readTelemetrySettings(service, { OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
    });
    expect(readTelemetrySettings(service, { OTEL_SDK_DISABLED: 'True' }).disabled).toBe(true);
  });

  it('a percent-encoding error names the entry and key, not the value', () => {
    const read = (): unknown => readTelemetrySettings(service, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer %zzsecret' });
    expect(read).toThrow(TelemetryConfigError);
    expect(read).toThrow('OTEL_EXPORTER_OTLP_HEADERS: the value of entry 1 (key "authorization") is not valid percent-encoding');
    expect(read).not.toThrow(/secret/);
  });
});
