import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { isRouter } from '../router/router.ts';
import type { Router } from '../router/router.ts';
import { answerRejections } from './client-error.ts';
import { ConnectionTracker } from './connection-tracker.ts';
import { DiagnosticsEndpoints } from './diagnostics-endpoints.ts';
import type { HttpDrainResult } from './connection-tracker.ts';
import { HttpServerMetrics } from './http-metrics.ts';
import { RequestInstrumentation } from './instrumentation.ts';
import { closeServer, listen } from './listen.ts';
import { LoadShedder } from './load-shedding.ts';
import { nodeHttp } from './node-http.ts';
import { resolveServeOptions } from './options.ts';
import type { ResolvedServeOptions, ServeOptions } from './options.ts';
import { createRequestPipeline } from './pipeline.ts';
import { ProbeEndpoints } from './probes.ts';
import { rejectExpectation } from './protocol-checks.ts';
import { PodkitServerResponse } from './response.ts';
import type { DrainContext, ServeService } from './service-types.ts';

/** A running server returned by {@link serve}. */
export interface PodkitServer {
  /** The bound port (useful with `port: 0`). */
  readonly port: number;
  /** The bound address, e.g. `::` or `127.0.0.1`. */
  readonly address: string;
  /** The underlying Node server. */
  readonly server: Server;
  /** The admin server serving probes and metrics, when `adminPort` was given. */
  readonly adminServer: Server | undefined;
  /** The admin server's bound port, when there is one. */
  readonly adminPort: number | undefined;
  /**
   * Drains the main server now (what the lifecycle's drainer does after the propagation
   * delay): see the draining section of `docs/http-server.md`.
   */
  drain(ctx: DrainContext): Promise<HttpDrainResult>;
  /**
   * Drains with a `timeoutMs` budget (default 10 s), then closes the admin server and stops
   * load shedding. Idempotent. A connection with nothing in flight closes once it has been quiet
   * for 1 s, so a server whose clients were just active takes up to that long.
   */
  close(timeoutMs?: number): Promise<void>;
}

// One metrics recorder per registry: several servers of a service share the series.
const metricsByRegistry = new WeakMap<Registry, HttpServerMetrics>();

/**
 * Serves `handler` — any Node request listener (a plain function, an Express app, a Koa or
 * Hono node callback) or a podkit {@link Router} — on a port, wired to a core service:
 * request ids, trace context and server spans, access log, HTTP metrics, probe and metrics
 * endpoints, load-balancer-friendly timeouts, and a drainer on the service lifecycle so a
 * SIGTERM drains without dropping a request.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createService } from '@podkit/core';
 * import { serve } from '@podkit/http';
 *
 * const service = createService({ name: 'posts', version: '1.0.0' });
 * const app = express();
 * app.get('/posts/:id', (req, res) => res.json({ id: req.params.id }));
 * await serve(service, app, { port: 8080 });
 * await service.start();
 * ```
 */
export async function serve(
  service: ServeService,
  handler: ((req: IncomingMessage, res: ServerResponse) => void) | Router,
  options?: ServeOptions,
): Promise<PodkitServer> {
  const o = resolveServeOptions(options);
  const logger = service.logger;
  let listener: (req: IncomingMessage, res: ServerResponse) => void;
  if (isRouter(handler)) {
    handler.useLoggerIfUnset(logger);
    listener = handler.listener;
  } else {
    listener = handler;
  }
  const metrics = o.metrics === false ? undefined : httpMetrics(service.metrics.registry, o.metrics);
  const instrumentation = new RequestInstrumentation({
    logger,
    metrics,
    accessLog: o.accessLog,
    tracer: o.tracing ? (o.tracerProvider ?? trace.getTracerProvider()).getTracer('@podkit/http') : undefined,
    requestIdHeader: o.requestIdHeader,
    maxDeadlineMs: o.maxDeadlineMs,
  });
  const probes = o.probes === false ? undefined : new ProbeEndpoints(o.probes, service.health, service.metrics, logger, o.probeDetail);
  const shedder = o.loadShedding === false ? undefined : new LoadShedder(o.loadShedding);
  const diagnostics = o.diagnostics === undefined ? undefined : new DiagnosticsEndpoints(o.diagnostics, logger);

  const parserMetrics = o.metrics === false ? undefined : service.metrics;
  const server = createNodeServer(o);
  const rejections = { server: o.name, logger, metrics: parserMetrics, maxHeaderSize: o.maxHeaderSize };
  const tracker = new ConnectionTracker(server);
  const separateAdmin = o.adminPort !== undefined;
  server.on(
    'request',
    createRequestPipeline({
      tracker,
      probes: separateAdmin ? undefined : probes,
      reserved: separateAdmin ? probes : undefined,
      reservedDiagnostics: diagnostics,
      instrumentation,
      instrumentProbes: o.instrumentProbes,
      shedder,
      listener,
    }),
  );
  // Malformed requests, CONNECT and unsupported `Expect` headers: problem answers, counted.
  const expectations = { tracker, probes: undefined, instrumentation, instrumentProbes: false, shedder: undefined, listener: rejectExpectation };
  answerRejections(server, rejections, createRequestPipeline(expectations));
  let adminServer: Server | undefined;
  let adminPort: number | undefined;
  let adminAddress: string | undefined;
  try {
    const address = await listen(server, o.port, o.host);
    if (separateAdmin) {
      adminServer = createNodeServer(o);
      answerRejections(adminServer, { ...rejections, server: `${o.name}-admin` }, createRequestPipeline({ ...expectations, tracker: undefined }));
      adminServer.on(
        'request',
        createRequestPipeline({ tracker: undefined, probes, diagnostics, instrumentation, instrumentProbes: o.instrumentProbes, shedder: undefined, listener: undefined }),
      );
      const admin = await listen(adminServer, o.adminPort, o.adminHost);
      adminPort = admin.port;
      adminAddress = admin.address;
    }
    logger.info(
      { server: o.name, address: address.address, port: address.port, ...(adminServer === undefined ? {} : { adminAddress, adminPort }) },
      'http server listening',
    );
    return wire(service, o, { server, tracker, adminServer, adminPort, shedder, port: address.port, address: address.address });
  } catch (err) {
    shedder?.close();
    await closeServer(server);
    throw err;
  }
}

function httpMetrics(registry: Registry, config: { buckets?: readonly number[]; maxRoutes?: number }): HttpServerMetrics {
  let metrics = metricsByRegistry.get(registry);
  if (metrics === undefined) {
    metrics = new HttpServerMetrics({ registry, ...config });
    metricsByRegistry.set(registry, metrics);
  }
  return metrics;
}

function createNodeServer(o: ResolvedServeOptions): Server {
  const server = nodeHttp.createServer({
    ServerResponse: PodkitServerResponse,
    keepAliveTimeout: o.keepAliveTimeoutMs,
    headersTimeout: o.headersTimeoutMs,
    requestTimeout: o.requestTimeoutMs,
    maxHeaderSize: o.maxHeaderSize,
    // Host-less HTTP/1.1 requests get their 400 inside the pipeline (a problem, counted, logged).
    requireHostHeader: false,
    // Node checks headers/request timeouts on this interval (default 30 s, too coarse against
    // slow clients when the timeouts are shorter).
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(o.headersTimeoutMs / 4))),
  });
  return server;
}

interface Parts {
  server: Server;
  tracker: ConnectionTracker;
  adminServer: Server | undefined;
  adminPort: number | undefined;
  shedder: LoadShedder | undefined;
  port: number;
  address: string;
}

function wire(service: ServeService, o: ResolvedServeOptions, p: Parts): PodkitServer {
  const logger = service.logger;
  let drained: Promise<HttpDrainResult> | undefined;
  const drain = (ctx: DrainContext): Promise<HttpDrainResult> => {
    drained ??= (async () => {
      const started = performance.now();
      const result = await p.tracker.drain(ctx.deadline, ctx.signal);
      const fields = { server: o.name, ...result, durationMs: Math.round(performance.now() - started) };
      if (result.cut > 0) logger.warn(fields, 'http server drained; cut in-flight requests at the deadline');
      else logger.info(fields, 'http server drained');
      return result;
    })();
    return drained;
  };
  const closeAdmin = async (): Promise<void> => {
    p.shedder?.close();
    if (p.adminServer !== undefined) await closeServer(p.adminServer);
  };
  // From SIGTERM on, responses carry `Connection: close`: pooled clients leave this pod during the
  // propagation delay instead of being closed on at the drain.
  service.lifecycle.onShutdown?.(() => p.tracker.stopKeepAlive());
  service.lifecycle.addDrainer({ name: o.name, drain });
  service.lifecycle.addHook({ name: `${o.name}-admin`, run: closeAdmin });
  return {
    port: p.port,
    address: p.address,
    server: p.server,
    adminServer: p.adminServer,
    adminPort: p.adminPort,
    drain,
    close: async (timeoutMs = 10_000) => {
      const controller = new AbortController();
      await drain({ deadline: Date.now() + timeoutMs, signal: controller.signal });
      await closeAdmin();
    },
  };
}
