// Child process of bench/fastify.bench.ts: one server variant on a free port, pinned to a core
// by the parent. Prints the port on stdout; answers 'cpu' IPC messages with its CPU time.
// Run with --conditions=@podkit/source so @podkit/* resolve to their sources.
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { Counter, Histogram, Registry } from 'prom-client';
import { fastifyOptions, podkitFastify, serveFastify } from '@podkit/fastify';
import { serve } from '@podkit/http';
import { benchService, HELLO_BODY as BODY, hello, listenPlain, podkitDevNull, reportReady } from './lib/target-child.ts';
import type { BenchService } from './lib/target-child.ts';

const variant = process.argv[2] ?? 'bare';

/** The same route in Fastify: a parameterised template, so the route label is a template. */
function routes(app: FastifyInstance): void {
  app.get('/:page', (_request, reply) => {
    void reply.header('content-type', 'application/json').send(BODY);
  });
}

// Logs go to /dev/null with one synchronous write per line, in every variant that logs.
const devNull = (): pino.DestinationStream => pino.destination({ dest: '/dev/null', sync: true });
/** podkit's default destination (lines batched per 16 KiB / 100 ms), on /dev/null. */
const podkitService = (): BenchService => benchService(podkitDevNull());

async function listenFastify(app: FastifyInstance): Promise<number> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

async function start(): Promise<number> {
  switch (variant) {
    case 'bare':
      return listenPlain(hello);
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

reportReady(await start()); // answers 'cpu' over IPC, exits on SIGTERM (so --cpu-prof writes its profile), prints the port
