import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isHttpOptionsError, serve } from '../../src/index.ts';
import type { PodkitServer, ServeOptions } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

async function start(options: ServeOptions = {}): Promise<PodkitServer> {
  const server = await serve(createTestService().service, (_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  return server;
}

describe('timeouts and limits', () => {
  it('defaults suit a load balancer: keep-alive 65 s, headers timeout above it', async () => {
    const { server } = await start();
    expect(server.keepAliveTimeout).toBe(65_000);
    expect(server.headersTimeout).toBe(66_000);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    expect(server.requestTimeout).toBe(120_000);
  });

  it('431 for a header section over maxHeaderSize', async () => {
    const server = await start({ maxHeaderSize: 4096 });
    const res = await send(server.port, { headers: { 'x-big': 'a'.repeat(8192) } });
    expect(res.status).toBe(431);
  });

  it('closes a slow client that never finishes its headers (slowloris) after headersTimeout', async () => {
    const server = await start({ keepAliveTimeoutMs: 100, headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8').on('data', (c: string) => (received += c));
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const started = performance.now();
    await new Promise((r) => socket.once('close', r));
    expect(received).toMatch(/^HTTP\/1.1 408/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('rejects inconsistent timeouts, naming the option', async () => {
    const t = createTestService();
    const err = await serve(t.service, () => {}, { port: 0, keepAliveTimeoutMs: 65_000, headersTimeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(isHttpOptionsError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'ERR_PODKIT_HTTP_OPTIONS', option: 'headersTimeoutMs' });
    const port = await serve(t.service, () => {}, { port: 70000 }).catch((e: unknown) => e);
    expect(port).toMatchObject({ option: 'port', message: 'invalid option "port": expected an integer port 0-65535, got 70000' });
  });

  it('rejects with ListenError when the port is taken', async () => {
    const first = await start();
    const err = await serve(createTestService().service, () => {}, { port: first.port, host: '127.0.0.1' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_PODKIT_HTTP_LISTEN', name: 'ListenError' });
  });
});
