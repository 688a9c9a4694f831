import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger, Metrics } from '@podkit/core';
import { PROBLEM_CONTENT_TYPE } from './problem.ts';
import { nodeHttp } from './node-http.ts';

const { STATUS_CODES } = nodeHttp;

/** Name of the counter of requests Node's HTTP parser rejected before any handler saw them. */
export const PARSER_ERRORS_METRIC = 'http_parser_errors_total';

/** How long a connection closed after a parser error keeps reading (and dropping) what the client still sends. */
const LINGER_MS = 2000;

/** Socket errors that mean the peer went away: nothing to answer, nothing to count. */
const PEER_GONE: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

/** llhttp codes (`HPE_INVALID_CHUNK_SIZE`, ...): a fixed set, so a bounded label. */
const PARSER_CODE = /^HPE_[A-Z0-9_]{1,48}$/;
/** llhttp reasons are fixed strings ("Invalid character in chunk size"), never request bytes. */
const SAFE_REASON = /^[\x20-\x7e]{1,120}$/;

/** What a rejected request is answered with. @internal */
export interface ParserRejection {
  /** 400, 408, 413 or 431: always a client error. */
  readonly status: number;
  /** Bounded label value: the llhttp code, `ERR_HTTP_REQUEST_TIMEOUT`, or `other`. */
  readonly code: string;
  /** The problem's `detail`: fixed text, never the request's bytes. */
  readonly detail: string;
}

/** The error Node passes to `clientError` (an llhttp error carries `code`, `reason` and the raw bytes). */
interface ClientError extends Error {
  readonly code?: string;
  readonly reason?: unknown;
}

/**
 * Maps a `clientError` to the answer Node would send (400, 408, 413, 431), or `undefined` when the
 * peer is gone (a reset) and there is nothing to answer.
 * @internal
 */
export function classifyClientError(err: ClientError, maxHeaderSize: number): ParserRejection | undefined {
  const code = typeof err.code === 'string' ? err.code : '';
  if (PEER_GONE.has(code)) return undefined;
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, code, detail: `the request's header section exceeds the server's limit of ${maxHeaderSize} bytes` };
  }
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return { status: 413, code, detail: 'the chunk extensions of the request body exceed the server limit' };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return { status: 408, code, detail: 'the request was not received within the server timeout' };
  const reason = typeof err.reason === 'string' && SAFE_REASON.test(err.reason) ? `: ${err.reason}` : '';
  const label = PARSER_CODE.test(code) ? code : 'other';
  return { status: 400, code: label, detail: `malformed HTTP request rejected by the parser (${label})${reason}` };
}

/** The raw HTTP/1.1 response for a rejection: a problem+json body, `Connection: close`. @internal */
export function rejectionResponse(r: ParserRejection): string {
  const title = STATUS_CODES[r.status] ?? 'Bad Request';
  const body = JSON.stringify({ type: 'about:blank', title, status: r.status, detail: r.detail });
  return (
    `HTTP/1.1 ${r.status} ${title}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `cache-control: no-store\r\nconnection: close\r\n\r\n${body}`
  );
}

/** What the handlers report to. @internal */
export interface ClientErrorOptions {
  /** Name of the server in log lines (`ServeOptions.name`, `-admin` for the admin server). */
  readonly server: string;
  readonly logger: Logger;
  /** Service metrics, or `undefined` when HTTP metrics are off. */
  readonly metrics: Metrics | undefined;
  readonly maxHeaderSize: number;
}

/** Node's in-flight response on the socket, if its head went out already nothing can be written. */
type HttpSocket = Duplex & { _httpMessage?: { headersSent?: boolean } | null; remoteAddress?: string };

/** Counts, logs and answers one rejection on a socket no handler will see. */
type Rejecter = (socket: HttpSocket, rejection: ParserRejection) => void;

function rejecter(options: ClientErrorOptions): Rejecter {
  const counter = options.metrics?.counter({
    name: PARSER_ERRORS_METRIC,
    help: 'HTTP requests rejected before reaching a handler (by the HTTP parser: malformed, oversized headers, timeouts; or CONNECT), by status and code.',
    labelNames: ['status', 'code'],
  });
  const { logger, server } = options;
  return (socket, rejection) => {
    counter?.inc({ status: String(rejection.status), code: rejection.code });
    logger.warn(
      { server, status: rejection.status, code: rejection.code, detail: rejection.detail, remoteAddress: socket.remoteAddress },
      'http request rejected by the parser',
    );
    if (!socket.writable || socket._httpMessage?.headersSent === true) {
      socket.destroy();
      return;
    }
    socket.end(rejectionResponse(rejection));
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
    socket.resume();
  };
}

/**
 * Builds the `clientError` listener: requests Node's HTTP parser rejects (smuggling attempts
 * such as `Content-Length` with `Transfer-Encoding`, bad chunk sizes, oversized headers, header
 * and request timeouts) get an RFC 9457 problem response with `Connection: close` instead of
 * Node's bare one, are counted in `http_parser_errors_total{status,code}` and logged at `warn`
 * (code and reason only, never the raw bytes). The socket is half-closed after the answer and
 * drops what still arrives for up to 2 s, so the kernel does not reset the connection under the
 * answer.
 * @internal
 */
export function clientErrorHandler(options: ClientErrorOptions): (err: Error, socket: Duplex) => void {
  const reject = rejecter(options);
  return (err: Error, duplex: Duplex): void => {
    const socket = duplex as HttpSocket;
    // The parser reports again for every chunk that still arrives after the answer.
    if (socket.destroyed || socket.writableEnded) return;
    const rejection = classifyClientError(err, options.maxHeaderSize);
    if (rejection === undefined) {
      options.logger.debug({ server: options.server, code: (err as ClientError).code }, 'http connection reset by the client');
      socket.destroy();
      return;
    }
    reject(socket, rejection);
  };
}

/**
 * Builds the `connect` listener: Node destroys the connection of a `CONNECT` request without a
 * word when nothing listens for it; this server is no forward proxy, so it answers 400 (a
 * problem, `Connection: close`; a client error, not a 5xx: 405 would need an `Allow` list that a
 * CONNECT target does not have), counted with `code="CONNECT"`.
 * @internal
 */
export function connectHandler(options: ClientErrorOptions): (req: unknown, socket: Duplex) => void {
  const reject = rejecter(options);
  return (_req: unknown, socket: Duplex): void => {
    reject(socket, { status: 400, code: 'CONNECT', detail: 'CONNECT is not supported: this server is not a proxy' });
  };
}

/**
 * Installs the answers to requests no handler sees on `server`: parser errors (`clientError`),
 * `CONNECT` (`connect`), and an `Expect` other than `100-continue` (`checkExpectation`, answered
 * by `onExpectation`, an instrumented pipeline, so it is counted in `http_requests_total`).
 * @internal
 */
export function answerRejections(server: Server, options: ClientErrorOptions, onExpectation: (req: IncomingMessage, res: ServerResponse) => void): void {
  server.on('clientError', clientErrorHandler(options));
  server.on('connect', connectHandler(options));
  server.on('checkExpectation', onExpectation);
}
