import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LoadShedder } from '../../src/server/load-shedding.ts';
import type { DelaySampler } from '../../src/server/load-shedding.ts';
import { RequestInstrumentation } from '../../src/server/instrumentation.ts';
import { createRequestPipeline } from '../../src/server/pipeline.ts';
import { PodkitServerResponse } from '../../src/server/response.ts';
import { serve } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';

function sampler(): DelaySampler & { delayMs: number; closed: boolean } {
  const s = { delayMs: 0, closed: false, p99Ms: () => s.delayMs, reset: () => {}, close: () => void (s.closed = true) };
  return s;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('load shedding', () => {
  it('turns on when a window’s p99 event-loop delay exceeds the threshold and off again', () => {
    vi.useFakeTimers();
    const s = sampler();
    const shedder = new LoadShedder({ maxEventLoopDelayMs: 100, windowMs: 1000 }, s);
    s.delayMs = 150;
    expect(shedder.overloaded).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(shedder.overloaded).toBe(true);
    s.delayMs = 20;
    vi.advanceTimersByTime(1000);
    expect(shedder.overloaded).toBe(false);
    shedder.close();
    expect(s.closed).toBe(true);
  });

  it('answers 503 with Retry-After to application requests while overloaded, never to probes', async () => {
    const t = createTestService();
    const s = sampler();
    const shedder = new LoadShedder({ retryAfterSeconds: 2, windowMs: 1000 }, s);
    shedder.overloaded = true;
    const server = createServer({ ServerResponse: PodkitServerResponse });
    const { ProbeEndpoints } = await import('../../src/server/probes.ts');
    server.on(
      'request',
      createRequestPipeline({
        tracker: undefined,
        probes: new ProbeEndpoints({}, t.service.health, t.service.metrics, t.service.logger),
        instrumentation: new RequestInstrumentation({ logger: t.service.logger, metrics: undefined, accessLog: true, tracer: undefined, requestIdHeader: 'x-request-id' }),
        instrumentProbes: false,
        shedder,
        listener: (_req, res) => res.end('ok'),
      }),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const shed = await send(port, { path: '/posts' });
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('2');
      expect(shed.headers['content-type']).toBe('application/problem+json');
      expect((await send(port, { path: '/ready' })).status).toBe(200);
      shedder.overloaded = false;
      expect((await send(port, { path: '/posts' })).text).toBe('ok');
    } finally {
      shedder.close();
      await new Promise((r) => server.close(r));
    }
  });

  it('is off by default and validates its options', async () => {
    const t = createTestService();
    await expect(serve(t.service, () => {}, { port: 0, loadShedding: { maxEventLoopDelayMs: -1 } })).rejects.toMatchObject({
      option: 'loadShedding.maxEventLoopDelayMs',
    });
  });
});
