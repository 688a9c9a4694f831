// Probe bodies: secret values masked as in log lines (core's redactValues), and the level of
// detail per server: status only on the main (public) port, the full report on the admin port.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createService } from '@podkit/core';
import type { Service } from '@podkit/core';
import { createRouter, isHttpOptionsError, serve } from '../../src/index.ts';
import type { PodkitServer, ServeOptions } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { captureLines } from './helpers/service.ts';

const SECRET = 'pg-pass-7f3a9c';

const services: Service[] = [];
const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
  for (const s of services.splice(0)) await s.close();
});

/** A core service whose database check fails with the secret in its message. */
async function failing(options: ServeOptions): Promise<{ server: PodkitServer; svc: Service; raw: () => string }> {
  const { stream, lines } = captureLines();
  const svc = createService({
    name: 'probes',
    version: '1.0.0',
    destination: stream,
    runtimeMetrics: false,
    eventLoopCheck: false,
    process: new EventEmitter(),
    redactValues: () => [SECRET],
  });
  services.push(svc);
  svc.health.register({ name: 'database', check: () => Promise.reject(new Error(`connect postgres://app:${SECRET}@db:5432/app refused`)) });
  const server = await serve(svc, createRouter(), { port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  await svc.start();
  await svc.health.run('database');
  return { server, svc, raw: () => JSON.stringify(lines) };
}

describe('probe bodies', () => {
  it('on the admin port: the full report, with secret values masked as in the logs', async () => {
    const { server, raw } = await failing({ adminPort: 0, adminHost: '127.0.0.1' });
    const ready = await send(server.adminPort!, { path: '/ready' });
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'down',
      kind: 'readiness',
      checks: { database: { status: 'down', error: 'connect postgres://app:[redacted]@db:5432/app refused' } },
    });
    expect(ready.text).not.toContain(SECRET);
    expect(raw()).toContain('health check failed');
    expect(raw()).not.toContain(SECRET);
  });

  it('a failed startup task: /startup masks the secret in the reason', async () => {
    const { stream } = captureLines();
    const svc = createService({ name: 's', version: '1', destination: stream, runtimeMetrics: false, eventLoopCheck: false, process: new EventEmitter(), redactValues: () => [SECRET] });
    services.push(svc);
    const server = await serve(svc, createRouter(), { port: 0, host: '127.0.0.1', adminPort: 0, adminHost: '127.0.0.1' });
    servers.push(server);
    await svc.health.startupTask('migrations', Promise.reject(new Error(`password ${SECRET} rejected`))).catch(() => undefined);
    await svc.start();
    const startup = await send(server.adminPort!, { path: '/startup' });
    expect(startup.status).toBe(503);
    expect(startup.json()).toMatchObject({ status: 'down', reason: 'startup task "migrations" failed: password [redacted] rejected' });
    expect(startup.text).not.toContain(SECRET);
  });

  it('on the main port: status only by default (no check names, errors or reasons)', async () => {
    const { server } = await failing({});
    const ready = await send(server.port, { path: '/ready' });
    expect(ready.status).toBe(503);
    expect(ready.json()).toEqual({ status: 'down', kind: 'readiness' });
    const live = await send(server.port, { path: '/health' });
    expect(live.status).toBe(200);
    expect(live.json()).toEqual({ status: 'up', kind: 'liveness' });
  });

  it('probeDetail overrides the default on either port', async () => {
    const main = await failing({ probeDetail: 'full' });
    expect((await send(main.server.port, { path: '/ready' })).json()).toMatchObject({ checks: { database: { error: expect.stringContaining('[redacted]') } } });
    const admin = await failing({ adminPort: 0, adminHost: '127.0.0.1', probeDetail: 'status' });
    expect((await send(admin.server.adminPort!, { path: '/ready' })).json()).toEqual({ status: 'down', kind: 'readiness' });
  });

  it('rejects an unknown probeDetail, naming the option', async () => {
    const { stream } = captureLines();
    const svc = createService({ name: 's', version: '1', destination: stream, runtimeMetrics: false, eventLoopCheck: false, process: new EventEmitter() });
    services.push(svc);
    const err = await serve(svc, createRouter(), { port: 0, probeDetail: 'always' as 'full' }).catch((e: unknown) => e);
    expect(isHttpOptionsError(err)).toBe(true);
    expect(err).toMatchObject({ option: 'probeDetail', message: `invalid option "probeDetail": expected one of 'full', 'status', got "always"` });
  });
});
