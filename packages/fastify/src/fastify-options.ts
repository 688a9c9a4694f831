import fastify from 'fastify';
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import { getRequestContext } from '@podkit/core';
import type { Logger } from '@podkit/core';
import { randomUUID } from 'node:crypto';

/** The Fastify constructor options {@link fastifyOptions} returns. */
export interface PodkitFastifyServerOptions {
  /** The service logger: `app.log` and `request.log` write podkit's JSON lines. */
  readonly loggerInstance: FastifyBaseLogger;
  /** `request.log` is the service logger itself: the request and trace ids come from the request context, not a per-request child. */
  readonly childLoggerFactory: (logger: FastifyBaseLogger) => FastifyBaseLogger;
  /** `request.id` is podkit's request id (the incoming `x-request-id` when plausible, else a UUID). */
  readonly genReqId: () => string;
  /** Fastify's own per-request lines off (podkit writes one access line per request). */
  readonly logController?: FastifyServerOptions['logController'];
  /** The same, for Fastify versions without `LogController`. */
  readonly disableRequestLogging?: true;
}

type LogControllerClass = new (options: { disableRequestLogging: boolean }) => NonNullable<FastifyServerOptions['logController']>;

/**
 * Options for `Fastify(...)` that bridge Fastify's logger to podkit's: `app.log` and
 * `request.log` are the service logger (JSON, secrets redacted, `request_id` and trace ids on
 * every line written during a request), `request.id` is podkit's request id, and Fastify's own
 * "incoming request" / "request completed" lines are off (podkit's access log replaces them).
 * Spread your own options after it.
 *
 * @example
 * ```ts
 * const app = Fastify({ ...fastifyOptions(service), bodyLimit: 256 * 1024 });
 * ```
 */
export function fastifyOptions(service: { readonly logger: Logger }): PodkitFastifyServerOptions {
  const LogController = (fastify as unknown as { LogController?: LogControllerClass }).LogController;
  return {
    loggerInstance: service.logger,
    childLoggerFactory: sameLogger,
    genReqId: requestId,
    ...(LogController === undefined ? { disableRequestLogging: true as const } : { logController: new LogController({ disableRequestLogging: true }) }),
  };
}

function sameLogger(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger;
}

function requestId(): string {
  // Fastify routes inside serve()'s request context, whose id was read or generated already.
  return getRequestContext()?.requestId ?? randomUUID();
}
