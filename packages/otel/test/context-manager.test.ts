import { EventEmitter } from 'node:events';
import { ROOT_CONTEXT, context, createContextKey, trace } from '@opentelemetry/api';
import { createService, getRequestContext, getTraceIds, runWithRequestAndTraceContext, runWithRequestContext, traceContextSlot } from '@podkit/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../src/index.ts';
import { PodkitContextManager } from '../src/internal/context-manager.ts';

const KEY = createContextKey('test key');
let telemetry: Telemetry | undefined;
afterEach(async () => {
  await telemetry?.shutdown();
  telemetry = undefined;
});

function quietService() {
  return createService({ name: 'ctx', version: '1.0.0', destination: { write: () => true }, process: new EventEmitter(), exit: () => {}, eventLoopCheck: false, runtimeMetrics: false });
}

/** The next turn of the event loop, from inside the current async context. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PodkitContextManager (one AsyncLocalStorage frame for the request and trace contexts)', () => {
  it('keeps the request context and the OpenTelemetry context together across awaits, nested either way', async () => {
    telemetry = await startTelemetry(quietService(), { env: {} });
    const seen: unknown[] = [];
    await runWithRequestAndTraceContext({ requestId: 'r-1' }, ROOT_CONTEXT.setValue(KEY, 'outer'), async () => {
      await nextTurn();
      seen.push([getRequestContext()?.requestId, context.active().getValue(KEY)]);
      // an OTel context switch inside keeps the request context
      await context.with(context.active().setValue(KEY, 'inner'), async () => {
        await nextTurn();
        seen.push([getRequestContext()?.requestId, context.active().getValue(KEY)]);
        // a request-context switch inside keeps the OTel context
        await runWithRequestContext({ requestId: 'r-2' }, async () => {
          await nextTurn();
          seen.push([getRequestContext()?.requestId, context.active().getValue(KEY)]);
        });
      });
      seen.push([getRequestContext()?.requestId, context.active().getValue(KEY)]);
    });
    seen.push([getRequestContext()?.requestId, context.active().getValue(KEY)]);
    expect(seen).toEqual([
      ['r-1', 'outer'],
      ['r-1', 'inner'],
      ['r-2', 'inner'],
      ['r-1', 'outer'],
      [undefined, undefined],
    ]);
  });

  it('makes log ids follow the span set with runWithRequestAndTraceContext', async () => {
    telemetry = await startTelemetry(quietService(), { env: {} });
    const span = trace.getTracer('t').startSpan('s');
    const ids = runWithRequestAndTraceContext({ requestId: 'r' }, trace.setSpan(ROOT_CONTEXT, span), () => getTraceIds());
    expect(ids).toEqual({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
  });

  it('binds functions and event emitters to a context (inherited from OpenTelemetry)', async () => {
    telemetry = await startTelemetry(quietService(), { env: {} });
    const bound = context.bind(ROOT_CONTEXT.setValue(KEY, 'bound'), () => context.active().getValue(KEY));
    expect(bound()).toBe('bound');
    const emitter = context.bind(ROOT_CONTEXT.setValue(KEY, 'emitter'), new EventEmitter());
    let got: unknown;
    emitter.on('x', () => (got = context.active().getValue(KEY)));
    emitter.emit('x');
    expect(got).toBe('emitter');
  });

  it('attach() sets the context for the rest of the call chain until disposed, once', () => {
    const manager = new PodkitContextManager();
    const token = manager.attach(ROOT_CONTEXT.setValue(KEY, 'attached'));
    expect(manager.active().getValue(KEY)).toBe('attached');
    token.dispose();
    expect(manager.active()).toBe(ROOT_CONTEXT);
    token.dispose();
    expect(manager.active()).toBe(ROOT_CONTEXT);
  });

  it('claims core\'s slot only while registered: a second manager leaves it, shutdown gives it up', async () => {
    const slot = traceContextSlot();
    const stranger = {};
    telemetry = await startTelemetry(quietService(), { env: {} });
    expect(slot.claim(stranger)).toBe(false);
    await telemetry.shutdown();
    telemetry = undefined;
    expect(slot.claim(stranger)).toBe(true);
    slot.release(stranger);
  });

  it('without a claimed slot, runWithRequestAndTraceContext still sets both contexts (through context.with)', () => {
    // no telemetry: the no-op global context manager keeps nothing, but the request context is set
    expect(runWithRequestAndTraceContext({ requestId: 'plain' }, ROOT_CONTEXT, (a: number, b: number) => `${getRequestContext()?.requestId ?? ''}:${String(a + b)}`, 1, 2)).toBe('plain:3');
  });
});
