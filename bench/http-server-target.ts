// Child process of bench/http-server.bench.ts: one server variant on a free port, pinned to a
// core by the parent. Prints the port on stdout; answers 'cpu' IPC messages with its CPU time.
// Run with --conditions=@podkit/source so @podkit/* resolve to their sources.
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { serve } from '@podkit/http';
import type { ServeService } from '@podkit/http';
import { benchService, HELLO_BODY as BODY, hello, listenPlain, reportReady } from './lib/target-child.ts';

const variant = process.argv[2] ?? 'bare';

/**
 * Log destinations: pino's default (one write syscall per line), async (one fs.write on the libuv
 * threadpool per line), and buffered (lines collected into 4 KiB synchronous writes; a service
 * using it must flush on exit, as podkit's lifecycle does, and loses up to 4 KiB on a hard kill).
 */
const DESTINATIONS = {
  sync: () => pino.destination({ dest: '/dev/null', sync: true }),
  async: () => pino.destination({ dest: '/dev/null', sync: false }),
  buffered: () => pino.destination({ dest: '/dev/null', sync: true, minLength: 4096, periodicFlush: 100 }),
};

function podkitService(destination: keyof typeof DESTINATIONS = 'sync'): ServeService {
  return benchService(DESTINATIONS[destination]());
}

async function start(): Promise<number> {
  switch (variant) {
    case 'bare':
      return listenPlain(hello);
    case 'podkit': // metrics + request id + trace context (no access-log line)
      return (await serve(podkitService(), hello, { port: 0, host: '127.0.0.1', accessLog: false })).port;
    case 'podkit-log': // everything, including one access-log line per request
      return (await serve(podkitService(), hello, { port: 0, host: '127.0.0.1' })).port;
    case 'podkit-log-async': // as podkit-log, with pino's buffered (async) destination
      return (await serve(podkitService('async'), hello, { port: 0, host: '127.0.0.1' })).port;
    case 'podkit-log-pino': { // as podkit-log, the line serialized by pino's generic path (an empty msgPrefix forces it)
      const service = podkitService();
      return (await serve({ ...service, logger: service.logger.child({}, { msgPrefix: '' }) }, hello, { port: 0, host: '127.0.0.1' })).port;
    }
    case 'podkit-log-buffered': // as podkit-log, lines batched in 4 KiB writes (and every 100 ms)
      return (await serve(podkitService('buffered'), hello, { port: 0, host: '127.0.0.1' })).port;
    case 'fastify': {
      const { default: Fastify } = await import('fastify');
      const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
      app.get('/', (_req, reply) => {
        void reply.header('content-type', 'application/json').send(BODY);
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    }
    case 'express': {
      const { default: express } = await import('express');
      const { pinoHttp } = await import('pino-http');
      const prom = await import('prom-client');
      const registry = new prom.Registry();
      const counter = new prom.Counter({ name: 'http_requests_total', help: 'requests', labelNames: ['method', 'route', 'status'], registers: [registry] });
      const histogram = new prom.Histogram({ name: 'http_request_duration_seconds', help: 'duration', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1], registers: [registry] });
      const app = express();
      app.use(pinoHttp({ logger: pino(pino.destination({ dest: '/dev/null', sync: true })) }));
      app.use((req, res, next) => {
        const end = histogram.startTimer();
        res.on('finish', () => {
          const labels = { method: req.method, route: (req.route as { path?: string } | undefined)?.path ?? 'unmatched', status: String(res.statusCode) };
          counter.inc(labels);
          end(labels);
        });
        next();
      });
      app.get('/', hello);
      return listenPlain(app);
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

reportReady(await start()); // answers 'cpu' over IPC, exits on SIGTERM (so --cpu-prof writes its profile), prints the port
