import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach } from 'vitest';
import { createClient, serve } from '../../src/index.ts';
import type { ClientOptions, HttpClient, PodkitServer, ProxyHandler } from '../../src/index.ts';
import { createTestService } from '../server/helpers/service.ts';
import type { LogLine } from '../server/helpers/service.ts';

const cleanup: (() => Promise<unknown>)[] = [];

/** Registers the per-test cleanup hook; call once at the top of a test file. */
export function useCleanup(): void {
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((f) => f()));
  });
}

/** Runs `f` after the current test. */
export function onCleanup(f: () => Promise<unknown>): void {
  cleanup.push(f);
}

/** A plain node:http server on port 0, its sockets destroyed after the test. */
export interface PlainServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  /** Requests received, in order. */
  readonly requests: IncomingMessage[];
}

/** Starts a plain node:http server on 127.0.0.1:0 (stopped after the test). */
export async function plainServer(listener: RequestListener): Promise<PlainServer> {
  const requests: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    requests.push(req);
    listener(req, res);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(async () => {
    for (const s of sockets) s.destroy();
    server.close();
    await once(server, 'close').catch(() => undefined);
  });
  const { port } = server.address() as AddressInfo;
  return { server, port, url: `http://127.0.0.1:${port}`, requests };
}

/** A podkit client (closed after the test). */
export function testClient(options: ClientOptions): HttpClient {
  const c = createClient(options);
  cleanup.push(() => c.close());
  return c;
}

/** `serve()`s a proxy handler on port 0 (closed after the test), with captured log lines. */
export async function serveProxy(handler: ProxyHandler): Promise<{ server: PodkitServer; port: number; lines: LogLine[] }> {
  const t = createTestService('proxy-test');
  const server = await serve(t.service, handler, { port: 0, host: '127.0.0.1' });
  cleanup.push(() => server.close());
  return { server, port: server.port, lines: t.lines };
}

/** An origin where nothing listens (connections are refused): the client tests' helper. */
export { refusedOrigin } from '../client/helpers/upstream.ts';
