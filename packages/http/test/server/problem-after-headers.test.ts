// A handler that fails after its response started: the status cannot change any more, so the
// connection is cut and the client sees a truncated response (an error), never a complete-looking
// 200 whose body is silently short. Router handlers, plain listeners, sendProblem() itself.
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createRouter, sendProblem, problem, serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

async function start(handler: Parameters<typeof serve>[1]): Promise<{ port: number; lines: ReturnType<typeof createTestService>['lines'] }> {
  const t = createTestService();
  const server = await serve(t.service, handler, { port: 0, host: '127.0.0.1' });
  servers.push(server);
  return { port: server.port, lines: t.lines };
}

describe('an error after the headers went out', () => {
  it('router handler: logged once, connection cut (chunked body not terminated)', async () => {
    const router = createRouter().get('/stream', {}, async ({ res }) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      await tick();
      throw new Error('failed mid-stream');
    });
    const { port, lines } = await start(router);
    await expect(send(port, { path: '/stream' })).rejects.toThrow();
    expect(lines.filter((l) => l.msg === 'request handler failed')).toHaveLength(1);
  });

  it('plain listener that throws synchronously after writing: connection cut', async () => {
    const { port } = await start((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
      throw new Error('sync failure mid-stream');
    });
    await expect(send(port, { path: '/' })).rejects.toThrow();
  });

  it('sendProblem() on a started response cuts it; on a fresh one it answers the problem', async () => {
    const { port } = await start((req, res) => {
      if (req.url === '/fresh') {
        sendProblem(res, problem(409, 'conflict'));
        return;
      }
      res.writeHead(200);
      res.write('partial');
      sendProblem(res, problem(500));
    });
    await expect(send(port, { path: '/started' })).rejects.toThrow();
    const fresh = await send(port, { path: '/fresh' });
    expect(fresh.status).toBe(409);
    expect(fresh.json()).toMatchObject({ status: 409, detail: 'conflict' });
  });
});
