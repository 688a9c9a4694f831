// Child process of bench/proxy.bench.ts: the bare node:http backend, or one proxy variant in
// front of it, on a free port (pinned to a core by the parent). Prints the port on stdout; answers
// 'cpu' IPC messages with its CPU time. Run with --conditions=@podkit/source so @podkit/* resolve
// to their sources. Usage: proxy-target.ts backend | proxy-target.ts <variant> <backend-url>
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { Pool } from 'undici';
import { createClient, createProxy, serve } from '@podkit/http';
import { benchService, listenPlain, podkitDevNull, reportReady } from './lib/target-child.ts';
import type { BenchService } from './lib/target-child.ts';

const variant = process.argv[2] ?? 'backend';
const upstream = process.argv[3] ?? '';
/** The backend's answer: a small JSON document (as an API answers). */
const BODY = JSON.stringify({ id: 42, title: 'a small JSON response', tags: ['bench', 'proxy'], published: true });

/** What every proxy answers a proxy-level failure with (never expected during a run). */
function fail(res: ServerResponse): void {
  if (res.headersSent) res.destroy();
  else res.writeHead(502).end();
}

/**
 * The floor of the naive Node design: a node:http server piping each request into an undici
 * `Pool.request` and the answer back, no header filtering, no features.
 */
function minimalProxy(): RequestListener {
  const pool = new Pool(upstream, { connections: 128, keepAliveTimeout: 65_000 });
  return (req: IncomingMessage, res: ServerResponse) => {
    const hasBody = req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined;
    pool.request({ path: req.url ?? '/', method: (req.method ?? 'GET'), headers: req.headers, body: hasBody ? req : null }).then(
      (up) => {
        if (res.destroyed) {
          up.body.resume(); // the caller went away (pipeline() would throw): drain the answer
          return;
        }
        res.writeHead(up.statusCode, up.headers as Record<string, string>);
        pipeline(up.body, res, () => undefined);
      },
      () => fail(res),
    );
  };
}

const podkitService = (): BenchService => benchService(podkitDevNull(), 'bench-gateway');

async function start(): Promise<number> {
  switch (variant) {
    case 'backend':
      return listenPlain((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
        res.end(BODY);
      });
    case 'minimal':
      return listenPlain(minimalProxy());
    case 'podkit': {
      // Every feature on: serve()'s metrics, access-log line, request id, inbound deadline, server
      // spans (no SDK: the API's no-op tracer) and load shedding; the client's breaker, retries,
      // retry budget, bulkhead and metrics; the proxy's forwarded headers and retry buffer.
      const service = podkitService();
      const client = createClient({ name: 'backend', baseUrl: upstream, service, pool: { connections: 128 } });
      const proxy = createProxy({ client, logger: service.logger, idempotencyKeys: true });
      return (await serve(service, proxy, { port: 0, host: '127.0.0.1' })).port;
    }
    case 'fastify-http-proxy': {
      const { default: Fastify } = await import('fastify');
      const { default: proxy } = await import('@fastify/http-proxy');
      const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
      await app.register(proxy, { upstream, undici: { connections: 128, keepAliveTimeout: 65_000 } });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    }
    case 'http-proxy': {
      const { Agent } = await import('node:http');
      const { default: httpProxy } = await import('http-proxy');
      const agent = new Agent({ keepAlive: true, maxSockets: 128 });
      const proxy = httpProxy.createProxyServer({ target: upstream, agent, xfwd: true });
      proxy.on('error', (_err, _req, res) => fail(res as ServerResponse));
      return listenPlain((req, res) => proxy.web(req, res));
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

reportReady(await start()); // answers 'cpu' over IPC, exits on SIGTERM (so --cpu-prof writes its profile), prints the port
