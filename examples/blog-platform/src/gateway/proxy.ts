import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import type { Logger } from '@podkit/core';
import type { HttpClient } from '@podkit/http';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.ts';
import { sendUpstreamProblem } from './upstream-errors.ts';

/** Forwards one request to an upstream and streams the answer back. */
export type Proxy = (req: IncomingMessage, res: ServerResponse) => void;

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  return (len !== undefined && len !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/**
 * A streaming reverse proxy onto a podkit client: the request body is streamed to the upstream
 * (never buffered), the upstream's status, headers and body are streamed back as they are
 * (problem responses included), and the client supplies the breaker per replica, retries
 * where they are safe (idempotent methods, or a connection refused before any byte was sent),
 * request id and trace context propagation, and metrics.
 */
export function createProxy(name: string, client: HttpClient, logger: Logger): Proxy {
  return (req, res) => {
    const body = hasBody(req) ? req : undefined;
    client
      .request({
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: upstreamRequestHeaders(req),
        body,
        throwOnErrorStatus: false,
      })
      .then(
        (up) => {
          res.writeHead(up.status, downstreamResponseHeaders(up.headers));
          pipeline(up.body, res, (err) => {
            if (err !== undefined && err !== null && !res.writableEnded) res.destroy();
          });
        },
        (err: unknown) => {
          const reason = sendUpstreamProblem(res, name, err);
          logger.warn({ upstream: name, reason, code: (err as { code?: unknown }).code }, 'upstream call failed');
          if (body !== undefined && !body.readableEnded) body.resume();
        },
      );
  };
}
