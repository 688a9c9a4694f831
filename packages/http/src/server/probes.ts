import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, Metrics } from '@podkit/core';
import { pathOf } from './access-log.ts';
import { problem, sendProblem } from './problem.ts';
import type { ProbeKind, ServeHealth } from './service-types.ts';

/** Paths of the probe and metrics endpoints; `false` disables one. */
export interface ProbePaths {
  /** Liveness probe. @default '/health' */
  liveness?: string | false;
  /** Readiness probe. @default '/ready' */
  readiness?: string | false;
  /** Startup probe. @default '/startup' */
  startup?: string | false;
  /** Prometheus metrics. @default '/metrics' */
  metrics?: string | false;
}

/**
 * How much a probe body tells: `'full'` is the whole health report (every check with its status,
 * duration, age and error message, the gate's reason); `'status'` is only
 * `{ "status": "up" | "down", "kind": ... }`. The HTTP status (200/503) is the same either way,
 * and it is all Kubernetes reads.
 */
export type ProbeDetail = 'full' | 'status';

/** The accepted {@link ProbeDetail} values. @internal */
export const PROBE_DETAILS: readonly ProbeDetail[] = ['full', 'status'];

type Endpoint = ProbeKind | 'metrics';

/**
 * Serves `/health`, `/ready`, `/startup` from core's cached health reports (200 when up, 503
 * when down, the JSON report, or only its status, as body) and `/metrics` from core's metrics
 * exposition (Prometheus text, or OpenMetrics when the scraper asks for it).
 * @internal
 */
export class ProbeEndpoints {
  readonly #paths = new Map<string, Endpoint>();
  readonly #health: ServeHealth;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  readonly #detail: ProbeDetail;

  constructor(paths: ProbePaths, health: ServeHealth, metrics: Metrics, logger: Logger, detail: ProbeDetail = 'status') {
    const add = (path: string | false | undefined, fallback: string, endpoint: Endpoint): void => {
      if (path === false) return;
      this.#paths.set(path ?? fallback, endpoint);
    };
    add(paths.liveness, '/health', 'liveness');
    add(paths.readiness, '/ready', 'readiness');
    add(paths.startup, '/startup', 'startup');
    add(paths.metrics, '/metrics', 'metrics');
    this.#health = health;
    this.#metrics = metrics;
    this.#logger = logger;
    this.#detail = detail;
  }

  /** The endpoint `url` addresses, if any. */
  match(url: string | undefined): Endpoint | undefined {
    if (url === undefined || this.#paths.size === 0) return undefined;
    const direct = this.#paths.get(url);
    if (direct !== undefined || !url.includes('?')) return direct;
    return this.#paths.get(pathOf(url));
  }

  /** Answers a probe or metrics request. */
  handle(endpoint: Endpoint, req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendProblem(res, problem(405, `${req.method ?? ''} is not allowed on ${pathOf(req.url)}; allowed: GET, HEAD`), { allow: 'GET, HEAD' });
      return;
    }
    res.setHeader('cache-control', 'no-store');
    if (endpoint === 'metrics') {
      this.#metrics.expose(req.headers.accept).then(
        ({ contentType, body }) => send(res, 200, contentType, body),
        (err: unknown) => {
          this.#logger.error({ err }, 'metrics exposition failed');
          sendProblem(res, problem(500, 'metrics could not be collected'));
        },
      );
      return;
    }
    const report = this.#health.report(endpoint);
    const body = this.#detail === 'full' ? report : { status: report.status, kind: endpoint };
    send(res, report.status === 'up' ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify(body));
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader('content-type', contentType);
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
}
