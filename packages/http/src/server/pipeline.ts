import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectionTracker } from './connection-tracker.ts';
import type { RequestInstrumentation } from './instrumentation.ts';
import type { LoadShedder } from './load-shedding.ts';
import { problem, sendProblem } from './problem.ts';
import type { ProbeEndpoints } from './probes.ts';
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
  const { tracker, probes, instrumentation, instrumentProbes, shedder } = parts;
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
    if (probes !== undefined) {
      const endpoint = probes.match(req.url);
      if (endpoint !== undefined) {
        if (instrumentProbes) instrumentation.start(req, res, (rq, rs) => probes.handle(endpoint, rq, rs));
        else probes.handle(endpoint, req, res);
        return;
      }
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

function notFound(req: IncomingMessage, res: ServerResponse): void {
  sendProblem(res, problem(404, `no route for ${req.method ?? ''} ${(req.url ?? '/').split('?')[0]!}`));
}
