import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionTracker } from './connection-tracker.ts';
import type { DiagnosticsEndpoints } from './diagnostics-endpoints.ts';
import type { RequestInstrumentation } from './instrumentation.ts';
import type { LoadShedder } from './load-shedding.ts';
import { problem, sendProblem } from './problem.ts';
import { setRouteTemplate } from './route-template.ts';
import type { ProbeEndpoints } from './probes.ts';
import { lacksHost, rejectMissingHost } from './protocol-checks.ts';
import type { PodkitServerResponse } from './response.ts';

/** The parts a request passes through, outermost first. @internal */
export interface PipelineParts {
  /** In-flight and connection tracking for draining; `undefined` on the admin server. */
  tracker: ConnectionTracker | undefined;
  /** Probe and metrics endpoints served on this server, if any. */
  probes: ProbeEndpoints | undefined;
  /** Per-request instrumentation. */
  instrumentation: RequestInstrumentation;
  /** Whether probe requests are instrumented too. */
  instrumentProbes: boolean;
  /**
   * Probe and metrics paths served on another port (the admin server): they answer 404 here,
   * whatever the application would do with them (an SPA fallback would answer 200).
   */
  reserved?: ProbeEndpoints | undefined;
  /** Diagnostics endpoints served on this server (the admin server only). */
  diagnostics?: DiagnosticsEndpoints | undefined;
  /** Diagnostics paths served on the admin server: they answer 404 here. */
  reservedDiagnostics?: DiagnosticsEndpoints | undefined;
  /** Load shedder, unless turned off. */
  shedder: LoadShedder | undefined;
  /** The application's listener; `undefined` answers 404 to everything but probes. */
  listener: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
}

/**
 * Builds the server's `request` listener. Everything per request is a field write, a Map
 * lookup or a call; the one event listener (`close`) is a function shared by all requests.
 * @internal
 */
export function createRequestPipeline(parts: PipelineParts): (req: IncomingMessage, res: ServerResponse) => void {
  const { tracker, probes, instrumentation, instrumentProbes, shedder, reserved, diagnostics, reservedDiagnostics } = parts;
  const listener = parts.listener ?? notFound;
  const shed = shedder === undefined ? notFound : (req: IncomingMessage, res: ServerResponse): void => shedRequest(res, shedder.retryAfter);

  function onClose(this: PodkitServerResponse): void {
    tracker?.end(this);
    if (this.podkitStart !== 0) instrumentation.finish(this.req, this);
  }

  return function handleRequest(req: IncomingMessage, response: ServerResponse): void {
    const res = response as PodkitServerResponse;
    tracker?.begin(res);
    res.on('close', onClose);
    if (lacksHost(req)) {
      instrumentation.start(req, res, rejectMissingHost);
      return;
    }
    if (probes !== undefined) {
      const endpoint = probes.match(req.url);
      if (endpoint !== undefined) {
        if (instrumentProbes) instrumentation.start(req, res, (rq, rs) => probes.handle(endpoint, rq, rs));
        else probes.handle(endpoint, req, res);
        return;
      }
    }
    const diagnostic = diagnostics?.match(req.url);
    if (diagnostic !== undefined) {
      instrumentation.start(req, res, (rq, rs) => diagnostics!.handle(diagnostic, rq, rs));
      return;
    }
    if (reserved?.match(req.url) !== undefined || reservedDiagnostics?.match(req.url) !== undefined) {
      instrumentation.start(req, res, notOnThisPort);
      return;
    }
    if (shedder !== undefined && shedder.shouldShed()) {
      instrumentation.start(req, res, shed);
      return;
    }
    instrumentation.start(req, res, listener);
  };
}

function shedRequest(res: ServerResponse, retryAfter: string): void {
  sendProblem(res, problem(503, 'the server is overloaded; retry later'), { 'retry-after': retryAfter });
}

function notOnThisPort(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0]!;
  setRouteTemplate(res, path);
  sendProblem(res, problem(404, `${path} is not served on this port`));
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  sendProblem(res, problem(404, `no route for ${req.method ?? ''} ${(req.url ?? '/').split('?')[0]!}`));
}
