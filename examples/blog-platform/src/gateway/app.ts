import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@podkit/core';
import { createProxy, problem, sendProblem, setRouteTemplate, type HttpClient, type ProxyHandler } from '@podkit/http';
import { createStaticHandler } from './static-files.ts';

/** The upstream services behind `/api/<name>/...`. */
export const UPSTREAMS = ['auth', 'posts', 'comments', 'images'] as const;
/** One upstream name. */
export type UpstreamName = (typeof UPSTREAMS)[number];

/** What the gateway is made of. */
export interface GatewayAppOptions {
  /** One podkit client per upstream. */
  readonly clients: Readonly<Record<UpstreamName, HttpClient>>;
  readonly logger: Logger;
  /** Front-end build directory served at `/` when it exists. */
  readonly webDir?: string | undefined;
}

interface Route {
  readonly prefix: string;
  readonly template: string;
  readonly proxy: ProxyHandler;
}

/**
 * The gateway's request listener: `/api/<service>` and `/api/<service>/...` go unchanged to that
 * service (services serve the public paths themselves, so nothing is rewritten), anything else
 * is the front end's build (SPA fallback), or a 404 problem when it is not built.
 * Routing is a prefix check on the raw URL: no allocation before the proxy call.
 */
export function createGatewayListener(o: GatewayAppOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Route[] = UPSTREAMS.map((name) => ({
    prefix: `/api/${name}`,
    template: `/api/${name}/*`,
    proxy: createProxy({ client: o.clients[name], name, logger: o.logger, idempotencyKeys: name === 'posts' || name === 'comments' }),
  }));
  const web = o.webDir !== undefined && existsSync(o.webDir) ? createStaticHandler(o.webDir) : undefined;
  if (web === undefined) o.logger.info({ webDir: o.webDir }, 'front-end build not found; serving the API only');

  return (req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      for (const route of routes) {
        if (!url.startsWith(route.prefix)) continue;
        const next = url.charCodeAt(route.prefix.length);
        // end of string, '/' or '?'
        if (Number.isNaN(next) || next === 47 || next === 63) {
          setRouteTemplate(res, route.template);
          route.proxy(req, res);
          return;
        }
      }
      setRouteTemplate(res, '/api/*');
      sendProblem(res, problem(404, `no API at ${url.split('?', 1)[0]!}`));
      return;
    }
    setRouteTemplate(res, '/*');
    if (web !== undefined) web(req, res);
    else sendProblem(res, problem(404, 'the front end is not built (npm run build --workspace examples/blog-platform/web)'));
  };
}
