import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createService } from '../src/index.ts';
import { capture } from './helpers/capture.ts';

describe('createService', () => {
  it('wires logger, metrics, health and lifecycle; two services keep separate registries', async () => {
    const outA = capture();
    const a = createService({ name: 'posts', version: '1.0.0', destination: outA, env: {}, process: new EventEmitter() });
    const b = createService({ name: 'comments', version: '2.0.0', destination: capture(), env: {}, process: new EventEmitter() });
    expect(a.metrics.registry).not.toBe(b.metrics.registry);
    a.metrics.counter({ name: 'posts_created_total', help: 'x' }).inc();
    expect((await b.metrics.expose()).body).not.toContain('posts_created_total');
    expect((await a.metrics.expose()).body).toContain('nodejs_eventloop_lag_seconds{service="posts",version="1.0.0"}');

    expect(a.health.report('readiness')).toMatchObject({ status: 'down', reason: 'starting' });
    await a.start();
    await a.health.run();
    expect(a.health.report('readiness')).toMatchObject({ status: 'up', checks: { event_loop_delay: { status: 'up' } } });
    expect(outA.lines.find((l) => l.msg === 'service started')).toMatchObject({ service: 'posts', version: '1.0.0' });
    await a.close();
    await b.close();
  });

  it('shutdown() runs the lifecycle and calls the injected exit', async () => {
    const codes: number[] = [];
    const service = createService({ name: 's', version: '1', destination: capture(), env: {}, exit: (c) => void codes.push(c), eventLoopCheck: false, runtimeMetrics: false });
    await service.start();
    await service.shutdown('test');
    expect(codes).toEqual([0]);
    expect(service.lifecycle.state).toBe('stopped');
    expect(service.health.report('liveness').status).toBe('up');
  });
});
