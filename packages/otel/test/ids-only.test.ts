import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { createService, getTraceIds, withSpan, type Service } from '@podkit/core';
import { createClient, serve, type HttpClient, type PodkitServer } from '@podkit/http';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../src/index.ts';

type Line = Record<string, unknown>;

function testService(name: string): { service: Service; lines: Line[] } {
  const lines: Line[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) if (text !== '') lines.push(JSON.parse(text) as Line);
      done();
    },
  });
  const service = createService({ name, version: '1.0.0', destination: stream, process: new EventEmitter(), exit: () => {}, eventLoopCheck: false, runtimeMetrics: false });
  return { service, lines };
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-0([01])$/;
const cleanup: (() => Promise<void> | void)[] = [];
let telemetry: Telemetry | undefined;
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  await telemetry?.shutdown();
  telemetry = undefined;
});

/** A front service calling a back service through a podkit client, both on ephemeral ports. */
async function twoHops(): Promise<{ front: number; seenByBack: IncomingHttpHeaders[]; frontLines: Line[]; backLines: Line[]; logged: Line[] }> {
  const back = testService('back');
  const front = testService('front');
  const seenByBack: IncomingHttpHeaders[] = [];
  const logged: Line[] = [];
  const backServer: PodkitServer = await serve(back.service, (req, res) => {
    seenByBack.push(req.headers);
    res.end('ok');
  }, { port: 0, host: '127.0.0.1' });
  cleanup.push(() => backServer.close());
  const client: HttpClient = createClient({ name: 'back', baseUrl: `http://127.0.0.1:${String(backServer.port)}`, retry: false });
  cleanup.push(() => client.close());
  const frontServer = await serve(front.service, (req, res) => {
    front.service.logger.info('handling');
    logged.push({ ...getTraceIds() });
    void client.get('/').then(async (r) => {
      await r.text();
      res.end('done');
    });
  }, { port: 0, host: '127.0.0.1' });
  cleanup.push(() => frontServer.close());
  return { front: frontServer.port, seenByBack, frontLines: front.lines, backLines: back.lines, logged };
}

describe('ids only (no exporter)', () => {
  it('builds no SDK span, yet logs ids and keeps one trace id across hops', async () => {
    const { service } = testService('front');
    telemetry = await startTelemetry(service, { env: {} });
    expect(telemetry.exporting).toBe(false);
    const span = trace.getTracer('t').startSpan('x');
    expect(span.isRecording()).toBe(false);
    expect(trace.isSpanContextValid(span.spanContext())).toBe(true);

    const hops = await twoHops();
    const res = await fetch(`http://127.0.0.1:${String(hops.front)}/a?token=x`);
    expect(await res.text()).toBe('done');

    const [, traceId, parentId, sampled] = TRACEPARENT.exec(String(hops.seenByBack[0]?.traceparent)) ?? [];
    expect(traceId).toBeDefined();
    expect(sampled).toBe('0'); // a root that nothing exports is not sampled
    const frontLine = hops.frontLines.find((l) => l.msg === 'handling');
    expect(frontLine).toMatchObject({ trace_id: traceId, span_id: parentId });
    expect(hops.logged[0]).toEqual({ traceId, spanId: parentId });
    await expect.poll(() => hops.backLines.find((l) => l.msg === 'request completed')).toMatchObject({ trace_id: traceId });
    expect(hops.backLines.find((l) => l.msg === 'request completed')?.span_id).not.toBe(parentId);
  });

  it("honours the caller's W3C parent: its trace id, trace state and sampled flag go on", async () => {
    const { service } = testService('front');
    telemetry = await startTelemetry(service, { env: {} });
    const hops = await twoHops();
    const caller = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    await fetch(`http://127.0.0.1:${String(hops.front)}/`, {
      headers: { traceparent: `00-${caller.traceId}-${caller.spanId}-01`, tracestate: 'vendor=abc' },
    }).then((r) => r.text());
    const [, traceId, parentId, sampled] = TRACEPARENT.exec(String(hops.seenByBack[0]?.traceparent)) ?? [];
    expect(traceId).toBe(caller.traceId);
    expect(parentId).not.toBe(caller.spanId); // the front's own span id
    expect(sampled).toBe('1');
    expect(hops.seenByBack[0]?.tracestate).toBe('vendor=abc');
    expect(hops.frontLines.find((l) => l.msg === 'request completed')).toMatchObject({ trace_id: caller.traceId, span_id: parentId });
  });

  it('withSpan nests: a child keeps the trace id and gets its own span id; root: true starts a trace', async () => {
    const { service } = testService('front');
    telemetry = await startTelemetry(service, { env: {} });
    const [outer, inner, flags] = await withSpan('outer', async () => {
      const o = getTraceIds();
      const i = await withSpan('inner', () => getTraceIds());
      return [o, i, trace.getActiveSpan()?.spanContext().traceFlags] as const;
    });
    expect(outer?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(inner?.traceId).toBe(outer?.traceId);
    expect(inner?.spanId).not.toBe(outer?.spanId);
    expect(flags).toBe(0);
    const [parent, root] = await withSpan('outer', async () => [getTraceIds(), await withSpan('root', () => getTraceIds(), { root: true })] as const);
    expect(root?.traceId).not.toBe(parent?.traceId);
  });
});
