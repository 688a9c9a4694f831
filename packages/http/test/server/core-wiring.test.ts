// serve() wired to core's real createService: probes report core's health, the lifecycle's
// shutdown drains the server, liveness stays up while readiness fails.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createService } from '@podkit/core';
import type { Service } from '@podkit/core';
import { createRouter, serve } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { captureLines } from './helpers/service.ts';

const services: Service[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

function service(propagationDelayMs: number): { svc: Service; exits: number[]; exited: Promise<number> } {
  const exits: number[] = [];
  let onExit: (code: number) => void = () => {};
  const exited = new Promise<number>((r) => (onExit = r));
  const svc = createService({
    name: 'wired',
    version: '1.0.0',
    destination: captureLines().stream,
    runtimeMetrics: false,
    eventLoopCheck: false,
    propagationDelayMs,
    gracePeriodMs: 10_000,
    process: new EventEmitter(),
    exit: (code) => {
      exits.push(code);
      onExit(code);
    },
  });
  services.push(svc);
  return { svc, exits, exited };
}

const router = createRouter().get('/hello', {}, () => ({ hello: 'world' }));

describe('serve() with core’s createService', () => {
  it('probes report core’s health: startup gating, a failing readiness check with its error', async () => {
    const { svc } = service(0);
    const server = await serve(svc, router, { port: 0, host: '127.0.0.1', probeDetail: 'full' });
    expect((await send(server.port, { path: '/ready' })).json()).toMatchObject({ status: 'down', reason: 'starting' });
    await svc.start();
    expect((await send(server.port, { path: '/ready' })).status).toBe(200);
    svc.health.register({ name: 'database', kinds: ['readiness'], check: () => Promise.reject(new Error('connection refused')) });
    await svc.health.run('database');
    const ready = await send(server.port, { path: '/ready' });
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'down', checks: { database: { status: 'down', error: 'connection refused' } } });
    expect((await send(server.port, { path: '/health' })).status).toBe(200);
    await server.close(100);
  });

  it('on shutdown: readiness 503 and liveness 200 during the delay, then drain and exit 0', async () => {
    const { svc, exited } = service(300);
    const server = await serve(svc, router, { port: 0, host: '127.0.0.1' });
    await svc.start();
    const shutdown = svc.shutdown('test');
    expect((await send(server.port, { path: '/ready' })).status).toBe(503);
    expect((await send(server.port, { path: '/health' })).status).toBe(200);
    expect((await send(server.port, { path: '/hello' })).status).toBe(200); // still serving in the delay
    expect(await exited).toBe(0);
    await shutdown;
    expect(server.server.listening).toBe(false);
  });
});
