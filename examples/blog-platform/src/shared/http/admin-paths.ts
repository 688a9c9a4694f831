import type { IncomingMessage, ServerResponse } from 'node:http';
import { problem, sendProblem, setRouteTemplate } from '@podkit/http';

/** The paths podkit serves on a service's admin port: the three probes and the metrics. */
export const ADMIN_PATHS: readonly string[] = Object.freeze(['/health', '/ready', '/startup', '/metrics']);

const reserved: ReadonlySet<string> = new Set(ADMIN_PATHS);

/**
 * Wraps a service's public request listener so the admin paths answer a 404 problem there,
 * whatever the application does with unknown paths (the gateway's front end, for one, answers
 * `index.html` to any path without an extension). podkit already serves the real endpoints on
 * the admin port only; this keeps the public port from answering 200 for them at all.
 */
export function withoutAdminPaths(listener: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const url = req.url ?? '/';
    // Hot path (the gateway's /api/...): only '/h', '/r', '/s' and '/m' can be an admin path.
    const second = url.charCodeAt(1);
    if (second !== 104 && second !== 114 && second !== 115 && second !== 109) {
      listener(req, res);
      return;
    }
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (!reserved.has(path)) {
      listener(req, res);
      return;
    }
    setRouteTemplate(res, path);
    sendProblem(res, problem(404, `${path} is not served on this port`));
  };
}
