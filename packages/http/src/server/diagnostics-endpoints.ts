import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@podkit/core';
import { pathOf } from './access-log.ts';
import { problem, sendProblem } from './problem.ts';
import { setRouteTemplate } from './route-template.ts';

/** A diagnostic file as `serve()` reports it (core's `DiagnosticFile` fits). */
export interface ServeDiagnosticFile {
  /** `heap-snapshot` or `report`. */
  readonly kind: string;
  /** Absolute path of the written file. */
  readonly path: string;
  /** File size in bytes. */
  readonly bytes: number;
  /** Time taken in milliseconds. */
  readonly durationMs: number;
}

/**
 * What `serve()`'s `diagnostics` option needs: core's `Diagnostics` (from `createDiagnostics`)
 * fits. Errors with a core `code` map to problem answers: `ERR_PODKIT_DIAGNOSTICS_BUSY` → 409,
 * `ERR_PODKIT_DIAGNOSTICS_SPACE` → 507.
 */
export interface ServeDiagnostics {
  /** Writes a heap snapshot; resolves with the file written. */
  writeHeapSnapshot(): Promise<ServeDiagnosticFile>;
  /** Writes a diagnostic report; resolves with the file written. */
  writeReport(): Promise<ServeDiagnosticFile>;
}

/** The admin-port paths that write a diagnostic (`POST` only). */
export const DIAGNOSTICS_PATHS: Readonly<Record<'heap-snapshot' | 'report', string>> = Object.freeze({
  'heap-snapshot': '/debug/heap-snapshot',
  report: '/debug/report',
});

type Kind = keyof typeof DIAGNOSTICS_PATHS;

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  ERR_PODKIT_DIAGNOSTICS_BUSY: 409,
  ERR_PODKIT_DIAGNOSTICS_SPACE: 507,
};

/**
 * `POST /debug/heap-snapshot` and `POST /debug/report`, served on the admin server only (the main
 * server reserves the paths and answers 404). The answer names the file written (201), never its
 * content.
 * @internal
 */
export class DiagnosticsEndpoints {
  readonly #diagnostics: ServeDiagnostics;
  readonly #logger: Logger;

  constructor(diagnostics: ServeDiagnostics, logger: Logger) {
    this.#diagnostics = diagnostics;
    this.#logger = logger;
  }

  /** The diagnostic `url` addresses, if any. */
  match(url: string | undefined): Kind | undefined {
    if (url === undefined || !url.startsWith('/debug/')) return undefined;
    const path = pathOf(url);
    if (path === DIAGNOSTICS_PATHS['heap-snapshot']) return 'heap-snapshot';
    if (path === DIAGNOSTICS_PATHS.report) return 'report';
    return undefined;
  }

  /** Answers a diagnostics request. */
  handle(kind: Kind, req: IncomingMessage, res: ServerResponse): void {
    setRouteTemplate(res, DIAGNOSTICS_PATHS[kind]);
    req.resume(); // a body, if any, is not read
    if (req.method !== 'POST') {
      sendProblem(res, problem(405, `${req.method ?? ''} is not allowed on ${DIAGNOSTICS_PATHS[kind]}; allowed: POST (it writes a ${kind} file)`), { allow: 'POST' });
      return;
    }
    const written = kind === 'heap-snapshot' ? this.#diagnostics.writeHeapSnapshot() : this.#diagnostics.writeReport();
    written.then(
      (file) => {
        if (res.headersSent) return;
        const body = JSON.stringify({ kind: file.kind, path: file.path, bytes: file.bytes, durationMs: file.durationMs });
        res.statusCode = 201;
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.setHeader('content-length', Buffer.byteLength(body));
        res.setHeader('cache-control', 'no-store');
        res.end(body);
      },
      (err: unknown) => {
        const code = (err as { code?: unknown } | undefined)?.code;
        const status = typeof code === 'string' ? STATUS_BY_CODE[code] : undefined;
        const message = err instanceof Error ? err.message : String(err);
        if (status === undefined) this.#logger.error({ err, kind }, `${kind} failed`);
        sendProblem(res, problem(status ?? 500, status === undefined ? `the ${kind} could not be written: ${message}` : message));
      },
    );
  }
}
