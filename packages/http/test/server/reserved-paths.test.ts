// With an admin port, the probe and metrics paths answer 404 on the main (public) port, whatever
// the application would do with them: a catch-all such as an SPA fallback must not answer 200.
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createService } from '@podkit/core';
import type { Service } from '@podkit/core';
import { serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { send } from './helpers/http.ts';

const services: Service[] = [];
const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
  for (const s of services.splice(0)) await s.close();
});

async function catchAll(): Promise<{ server: PodkitServer; seen: string[] }> {
  const svc = createService({ name: 'spa', version: '1.0.0', runtimeMetrics: false, eventLoopCheck: false, process: new EventEmitter(), destination: { write: () => true } });
  services.push(svc);
  const seen: string[] = [];
  const server = await serve(
    svc,
    (req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html>');
    },
    { port: 0, host: '127.0.0.1', adminPort: 0, adminHost: '127.0.0.1' },
  );
  servers.push(server);
  await svc.start();
  return { server, seen };
}

describe('probe and metrics paths with an admin port', () => {
  it('answer a 404 problem on the main port for any method, with or without a query', async () => {
    const { server, seen } = await catchAll();
    for (const p of ['/health', '/ready', '/startup', '/metrics']) {
      for (const [method, path] of [['GET', p], ['GET', `${p}?x=1`], ['POST', p], ['HEAD', p]] as const) {
        const res = await send(server.port, { method, path });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers['content-type']).toContain('application/problem+json');
        if (method !== 'HEAD') expect(res.json()).toMatchObject({ status: 404, detail: `${p} is not served on this port` });
      }
      const admin = await send(server.adminPort!, { path: p });
      expect(admin.status, `admin ${p}`).toBe(200);
    }
    expect(seen).toEqual([]);
  });

  it('leave look-alike paths to the application', async () => {
    const { server, seen } = await catchAll();
    const paths = ['/', '/api/metrics', '/healthz', '/metrics2', '/ready/', '/startup/x'];
    for (const p of paths) expect((await send(server.port, { path: p })).status, p).toBe(200);
    expect(seen).toEqual(paths);
  });
});
