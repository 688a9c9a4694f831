import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { createService, getTraceIds, withSpan, type Service } from '@podkit/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../src/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from './helpers/otlp-receiver.ts';

/** A pino destination that keeps the parsed lines. */
function lines(): { stream: Writable; lines: Record<string, unknown>[] } {
  const out: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text !== '') out.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  return { stream, lines: out };
}

function testService(env: Record<string, string> = {}): { service: Service; lines: Record<string, unknown>[]; exits: number[] } {
  const log = lines();
  const exits: number[] = [];
  const service = createService({
    name: 'orders',
    version: '1.4.0',
    destination: log.stream,
    env,
    process: new EventEmitter(),
    exit: (code) => void exits.push(code),
    eventLoopCheck: false,
    runtimeMetrics: false,
  });
  return { service, lines: log.lines, exits };
}

let receiver: OtlpReceiver;
let telemetry: Telemetry | undefined;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
  receiver.spans.length = 0;
  receiver.requests.length = 0;
});
afterAll(() => receiver.close());

describe('startTelemetry', () => {
  it('registers nothing global until it is called, and removes what it registered at shutdown', async () => {
    expect(getTraceIds()).toBeUndefined();
    await withSpan('before', () => expect(getTraceIds()).toBeUndefined());
    const { service } = testService();
    telemetry = await startTelemetry(service, { env: {} });
    await withSpan('during', () => expect(getTraceIds()).toBeDefined());
    await telemetry.shutdown();
    await withSpan('after', () => expect(getTraceIds()).toBeUndefined());
  });

  it('exports spans over OTLP/HTTP JSON with the resource from the OTEL_* variables', async () => {
    const { service, lines: logged } = testService();
    telemetry = await startTelemetry(service, {
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_SERVICE_NAME: 'orders-eu',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=prod,k8s.namespace.name=shop%20eu,service.name=ignored',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cr3t-token',
      },
    });
    expect(telemetry.exporting).toBe(true);
    let ids: ReturnType<typeof getTraceIds>;
    await withSpan('outer', () => withSpan('inner', () => void (ids = getTraceIds())));
    await telemetry.forceFlush();
    expect(receiver.spans.map((s) => s.name).sort()).toEqual(['inner', 'outer']);
    const inner = receiver.spans.find((s) => s.name === 'inner')!;
    const outer = receiver.spans.find((s) => s.name === 'outer')!;
    expect(inner).toMatchObject({ traceId: ids!.traceId, spanId: ids!.spanId, parentSpanId: outer.spanId, serviceName: 'orders-eu' });
    expect(outer.parentSpanId).toBeUndefined();
    expect(inner.resource).toMatchObject({ 'service.version': '1.4.0', 'deployment.environment.name': 'prod', 'k8s.namespace.name': 'shop eu' });
    expect(receiver.requests[0]!.authorization).toBe('Bearer s3cr3t-token');
    const started = logged.find((l) => l.msg === 'OpenTelemetry started')!;
    expect(started.telemetry).toEqual({ exporting: true, endpoint: `${receiver.endpoint}/v1/traces`, sampler: 'parentbased_always_on', serviceName: 'orders-eu' });
    expect(JSON.stringify(logged)).not.toContain('s3cr3t');
    expect(logged.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('flushes the last spans in the telemetry shutdown hook', async () => {
    const { service, exits } = testService();
    telemetry = await startTelemetry(service, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.endpoint}/` } });
    await service.start();
    await withSpan('last words', () => undefined);
    expect(receiver.spans).toEqual([]); // batched: not sent yet
    await service.shutdown('test');
    expect(exits).toEqual([0]);
    expect(receiver.spans.map((s) => s.name)).toEqual(['last words']);
    expect(service.lifecycle.plan).toBeDefined();
    await service.close();
  });

  it('without an endpoint keeps trace ids (and propagates them) but exports nothing', async () => {
    const { service } = testService();
    telemetry = await startTelemetry(service, { env: {} });
    expect(telemetry.exporting).toBe(false);
    let ids: ReturnType<typeof getTraceIds>;
    await withSpan('local', () => void (ids = getTraceIds()));
    expect(ids?.traceId).toMatch(/^[0-9a-f]{32}$/);
    await telemetry.forceFlush();
    expect(receiver.requests).toEqual([]);
  });

  it('honours OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG', async () => {
    const { service } = testService();
    telemetry = await startTelemetry(service, {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
    });
    await withSpan('dropped', () => expect(getTraceIds()).toBeDefined());
    await telemetry.forceFlush();
    expect(receiver.spans).toEqual([]);
  });

  it('registers nothing with OTEL_SDK_DISABLED=true', async () => {
    const { service, lines: logged } = testService();
    telemetry = await startTelemetry(service, { env: { OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint } });
    expect(telemetry).toMatchObject({ enabled: false, exporting: false, tracerProvider: undefined });
    await withSpan('nothing', () => expect(getTraceIds()).toBeUndefined());
    expect(trace.getTracerProvider()).not.toBe(undefined);
    expect(logged.find((l) => l.msg === 'OpenTelemetry disabled by OTEL_SDK_DISABLED')).toBeDefined();
  });

  it('warns once, naming the copy, when another provider was registered first', async () => {
    const first = testService();
    telemetry = await startTelemetry(first.service, { env: {} });
    const second = testService();
    const other = await startTelemetry(second.service, { env: {} });
    const warnings = second.lines.filter((l) => l.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/another tracer provider was registered globally before startTelemetry\(\)/);
    await other.shutdown();
    // the first registration is untouched by the second one's shutdown
    await withSpan('still', () => expect(getTraceIds()).toBeDefined());
  });

  it('rejects bad OTEL_* values with the variable and the reason, never echoing a header or URL', async () => {
    const { service } = testService();
    await expect(startTelemetry(service, { env: { OTEL_TRACES_SAMPLER: 'jaeger_remote' } })).rejects.toMatchObject({
      code: 'ERR_PODKIT_OTEL_CONFIG',
      variable: 'OTEL_TRACES_SAMPLER',
      message: expect.stringContaining('"jaeger_remote" is not supported: use one of always_on'),
    });
    await expect(startTelemetry(service, { env: { OTEL_TRACES_SAMPLER_ARG: '1.5' } })).rejects.toThrow(/OTEL_TRACES_SAMPLER_ARG: "1.5" is not a sampling ratio/);
    await expect(startTelemetry(service, { env: { OTEL_SDK_DISABLED: 'yes' } })).rejects.toThrow(/OTEL_SDK_DISABLED: "yes" is not a boolean/);
    const badUrl = startTelemetry(service, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318?token=hunter2' } });
    await expect(badUrl).rejects.toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: has the scheme "collector:"/);
    await expect(badUrl).rejects.not.toThrow(/hunter2/);
    const badHeaders = startTelemetry(service, { env: { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=ok,hunter2' } });
    await expect(badHeaders).rejects.toThrow('OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value');
    await expect(badHeaders).rejects.not.toThrow(/hunter2/);
    await expect(startTelemetry(service, { env: { OTEL_TRACES_EXPORTER: 'zipkin' } })).rejects.toThrow(/OTEL_TRACES_EXPORTER: "zipkin" is not supported/);
    await expect(startTelemetry(service, { env: {}, shutdownTimeoutMs: -1 })).rejects.toThrow(/shutdownTimeoutMs: -1 is not a positive/);
    // nothing was registered by the failed calls
    await withSpan('none', () => expect(getTraceIds()).toBeUndefined());
  });
});
