// otelTelemetry(): startTelemetry in the shape @podkit/service runs as a definition's telemetry.
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { otelTelemetry } from '../src/index.ts';
import { startOtlpReceiver, type OtlpReceiver } from './helpers/otlp-receiver.ts';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

it('starts the SDK from the service env, reports how it traces, and flushes on close', async () => {
  const handle = await otelTelemetry()({ name: 'orders', version: '1.4.0', env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, LOG_LEVEL: 'silent' } });
  expect(handle.logFields).toEqual({ tracing: 'otlp' });
  trace.getTracer('test').startSpan('work').end();
  await handle.close();
  expect(receiver.spans.map((s) => [s.name, s.serviceName])).toContainEqual(['work', 'orders']);
});

it('says so when the SDK is disabled or exports nothing', async () => {
  const disabled = await otelTelemetry()({ name: 'orders', version: '1.4.0', env: { OTEL_SDK_DISABLED: 'true', LOG_LEVEL: 'silent' } });
  expect(disabled.logFields).toEqual({ tracing: 'disabled' });
  await disabled.close();
  const idsOnly = await otelTelemetry()({ name: 'orders', version: '1.4.0', env: { LOG_LEVEL: 'silent' } });
  expect(idsOnly.logFields).toEqual({ tracing: 'ids only' });
  await idsOnly.close();
});
