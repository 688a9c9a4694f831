// Child process of bench/fastify.bench.ts: one server variant on a free port, pinned to a core
// by the parent. Prints the port on stdout; answers 'cpu' IPC messages with its CPU time.
// Run with --conditions=@podkit/source so @podkit/* resolve to their sources.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { openSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import { bufferedDestination, createLogger, createMetrics } from '@podkit/core';
import { fastifyOptions, podkitFastify, serveFastify } from '@podkit/fastify';
import { serve } from '@podkit/http';
import type { ServeService } from '@podkit/http';

const variant = process.argv[2] ?? 'bare';
const BODY = JSON.stringify({ hello: 'world' });

/** The handler of the node:http variants. */
function hello(_req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('content-type', 'application/json');
  res.setHeader('content-length', BODY.length);
  res.end(BODY);
}

/** The same route in Fastify: a parameterised template, so the route label is a template. */
function routes(app: FastifyInstance): void {
  app.get('/:page', (_request, reply) => {
    void reply.header('content-type', 'application/json').send(BODY);
  });
}

// Logs go to /dev/null with one synchronous write per line, in every variant that logs.
const devNull = (): pino.DestinationStream => pino.destination({ dest: '/dev/null', sync: true });
/** podkit's default destination (lines batched per 16 KiB / 100 ms), on /dev/null. */
const podkitDevNull = (): pino.DestinationStream => bufferedDestination({ fd: openSync('/dev/null', 'w') });

function podkitService(): ServeService & { logger: ReturnType<typeof createLogger> } {
  const identity = { name: 'bench', version: '1.0.0' };
  return {
    logger: createLogger({ service: identity, destination: podkitDevNull(), pretty: false }),
    metrics: createMetrics({ service: identity, runtimeMetrics: false }),
    health: { report: (kind) => ({ status: 'up', kind, checks: {} }) },
    lifecycle: { addDrainer: () => undefined, addHook: () => undefined },
  };
}

async function listenFastify(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

async function start(): Promise<number> {
  switch (variant) {
    case 'bare': {
      const server = createServer({ keepAliveTimeout: 65_000 }, hello);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      return (server.address() as AddressInfo).port;
    }
    case 'podkit': // serve() with its defaults: metrics, request id, trace context, access log
      return (await serve(podkitService(), hello, { port: 0, host: '127.0.0.1' })).port;
    case 'fastify': {
      const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
      routes(app);
      return listenFastify(app);
    }
    case 'fastify-podkit': { // the recipe's three lines, podkit's defaults
      const service = podkitService();
      const app = Fastify(fastifyOptions(service));
      await app.register(podkitFastify, { service });
      routes(app);
      return (await serveFastify(service, app, { port: 0, host: '127.0.0.1' })).port;
    }
    case 'fastify-podkit-nolog': { // the plugin without fastifyOptions() (Fastify's own request ids)
      const service = podkitService();
      const app = Fastify();
      await app.register(podkitFastify, { service });
      routes(app);
      return (await serveFastify(service, app, { port: 0, host: '127.0.0.1' })).port;
    }
    case 'fastify-serve': { // serve(service, app.routing) alone: no plugin, no logger bridge
      const app = Fastify();
      routes(app);
      await app.ready();
      return (await serve(podkitService(), (req, res) => app.routing(req, res), { port: 0, host: '127.0.0.1' })).port;
    }
    case 'fastify-pino-prom': { // the tuned stack: Fastify's pino logger on + prom-client in hooks
      const registry = new Registry();
      const labelNames = ['method', 'route', 'status'];
      const counter = new Counter({ name: 'http_requests_total', help: 'requests', labelNames, registers: [registry] });
      const histogram = new Histogram({ name: 'http_request_duration_seconds', help: 'duration', labelNames, buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] });
      const app = Fastify({ loggerInstance: pino(devNull()), keepAliveTimeout: 65_000 });
      app.addHook('onResponse', (request, reply, done) => {
        const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
        counter.inc(labels);
        histogram.observe(labels, reply.elapsedTime / 1000);
        done();
      });
      app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
      app.get('/:page', (_request, reply) => {
        void reply.header('content-type', 'application/json').send(BODY);
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const port = await start();
process.on('message', (msg) => {
  if (msg === 'cpu') process.send?.(process.cpuUsage());
});
process.on('SIGTERM', () => process.exit(0));
process.stdout.write(`${port}\n`);
