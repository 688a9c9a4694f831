import { createReadStream, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.webmanifest': 'application/manifest+json',
};

/** Serves a built single-page app. */
export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves the front end's build directory: files as they are, `/assets/*` (content-hashed by
 * Vite) with `Cache-Control: public, max-age=31536000, immutable`, everything else with
 * `no-cache`; a GET for a path without a file extension that matches no file gets `index.html`
 * (client-side routes). Paths never leave the directory.
 */
export function createStaticHandler(root: string): StaticHandler {
  const base = path.resolve(root);
  const index = path.join(base, 'index.html');

  function send(req: IncomingMessage, res: ServerResponse, file: string, st: Stats, immutable: boolean): void {
    const etag = `W/"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`;
    res.setHeader('etag', etag);
    res.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    res.setHeader('x-content-type-options', 'nosniff');
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    res.setHeader('content-type', TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
    res.setHeader('content-length', st.size);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  function problem(res: ServerResponse, status: number, detail: string): void {
    const body = JSON.stringify({ type: 'about:blank', title: status === 404 ? 'Not Found' : 'Method Not Allowed', status, detail });
    res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      problem(res, 405, `${req.method ?? ''} is not allowed here`);
      return;
    }
    const rawPath = (req.url ?? '/').split('?', 1)[0]!;
    let decoded: string;
    try {
      decoded = decodeURIComponent(rawPath);
    } catch {
      problem(res, 404, 'no such file');
      return;
    }
    const file = path.join(base, path.normalize(decoded));
    if (!file.startsWith(base + path.sep) && file !== base) {
      problem(res, 404, 'no such file');
      return;
    }
    const immutable = decoded.startsWith('/assets/');
    stat(file).then(
      (st) => {
        if (st.isFile()) send(req, res, file, st, immutable);
        else fallback();
      },
      () => fallback(),
    );
    function fallback(): void {
      if (immutable || path.extname(decoded) !== '') {
        problem(res, 404, 'no such file');
        return;
      }
      stat(index).then(
        (st) => send(req, res, index, st, false),
        () => problem(res, 404, 'the front end is not built'),
      );
    }
  };
}
