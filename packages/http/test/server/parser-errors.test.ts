// Requests Node's HTTP parser rejects (smuggling attempts, bad chunk sizes, oversized headers,
// timeouts) get a problem+json answer with Connection: close, are counted and logged, on raw
// TCP sockets against a real server.
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRouter, serve } from '../../src/index.ts';
import type { PodkitServer, ServeOptions } from '../../src/index.ts';
import { send } from './helpers/http.ts';
import { createTestService } from './helpers/service.ts';
import type { TestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

const router = createRouter().post('/echo', { body: z.object({ n: z.number() }) }, ({ body }) => body);

async function start(options: ServeOptions = {}): Promise<{ server: PodkitServer; t: TestService }> {
  const t = createTestService();
  const server = await serve(t.service, router, { port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  return { server, t };
}

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything received before the server closed the connection. */
  received: string;
}

/** Writes `bytes` on a fresh TCP connection and resolves what came back once the server closed it. */
function raw(port: number, bytes: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (received += c));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head = '', body = ''] = received.split('\r\n\r\n', 2);
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body, received });
    });
    socket.write(bytes);
  });
}

const MARKER = 'zq-marker-7741';

const cases: Array<{ name: string; bytes: string; status: number; code: string }> = [
  {
    name: 'Content-Length together with Transfer-Encoding (CL.TE smuggling)',
    bytes: `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\nX-Marker: ${MARKER}\r\n\r\n0\r\n\r\nG`,
    status: 400,
    code: 'HPE_INVALID_TRANSFER_ENCODING',
  },
  {
    name: 'two different Content-Length headers',
    bytes: `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\nX-Marker: ${MARKER}\r\n\r\nhello`,
    status: 400,
    code: 'HPE_UNEXPECTED_CONTENT_LENGTH',
  },
  {
    name: 'an obfuscated Transfer-Encoding (space before the colon)',
    bytes: `POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\nX-Marker: ${MARKER}\r\n\r\n0\r\n\r\n`,
    status: 400,
    code: 'HPE_INVALID_HEADER_TOKEN',
  },
  {
    name: 'a bad chunk size while the handler waits for the body',
    bytes: `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz${MARKER}\r\n{}\r\n0\r\n\r\n`,
    status: 400,
    code: 'HPE_INVALID_CHUNK_SIZE',
  },
  {
    name: 'a header section over maxHeaderSize',
    bytes: `GET /echo HTTP/1.1\r\nHost: x\r\nX-Marker: ${MARKER}\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
    status: 431,
    code: 'HPE_HEADER_OVERFLOW',
  },
];

describe('requests rejected by the HTTP parser', () => {
  for (const c of cases) {
    it(`${c.name}: ${c.status} problem+json, Connection: close, counted, logged without the bytes`, async () => {
      const { server, t } = await start();
      const answer = await raw(server.port, c.bytes);
      expect(answer.status, answer.received.slice(0, 300)).toBe(c.status);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.headers.connection).toBe('close');
      expect(Number(answer.headers['content-length'])).toBe(Buffer.byteLength(answer.body));
      const problem = JSON.parse(answer.body) as Record<string, unknown>;
      expect(problem).toMatchObject({ type: 'about:blank', status: c.status });
      expect(problem.detail).toEqual(expect.any(String));
      expect(answer.body).not.toContain(MARKER);

      const metrics = (await send(server.port, { path: '/metrics' })).text;
      expect(metrics).toContain(`http_parser_errors_total{status="${c.status}",code="${c.code}"`);
      const line = t.lines.find((l) => l.msg === 'http request rejected by the parser');
      expect(line).toMatchObject({ level: 'warn', server: 'http', status: c.status, code: c.code });
      expect(JSON.stringify(t.lines)).not.toContain(MARKER);
      // the server keeps serving
      expect((await send(server.port, { method: 'POST', path: '/echo', body: '{"n":1}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
    });
  }

  it('a request timeout: 408 problem+json', async () => {
    const { server } = await start({ keepAliveTimeoutMs: 100, headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const answer = await raw(server.port, 'GET /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(answer.status).toBe(408);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 408, title: 'Request Timeout' });
    expect((await send(server.port, { path: '/metrics' })).text).toContain('http_parser_errors_total{status="408",code="ERR_HTTP_REQUEST_TIMEOUT"');
  });

  it('on the admin port too', async () => {
    const { server, t } = await start({ adminPort: 0, adminHost: '127.0.0.1' });
    const answer = await raw(server.adminPort!, `GET /ready HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(answer.status).toBe(431);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(t.lines.find((l) => l.msg === 'http request rejected by the parser')).toMatchObject({ server: 'http-admin', status: 431 });
  });

  it('a client that resets the connection is neither answered nor counted', async () => {
    const { server, t } = await start();
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{');
        socket.resetAndDestroy();
        resolve();
      });
    });
    // a normal request afterwards still works, and nothing was counted as a parser error
    expect((await send(server.port, { method: 'POST', path: '/echo', body: '{"n":1}', headers: { 'content-type': 'application/json' } })).status).toBe(200);
    expect((await send(server.port, { path: '/metrics' })).text).not.toContain('http_parser_errors_total{');
    expect(t.lines.some((l) => l.msg === 'http request rejected by the parser')).toBe(false);
  });
});

describe('other requests Node answered bare', () => {
  it('an HTTP/1.1 request without Host: 400 problem, Connection: close, in the access log and http_requests_total', async () => {
    const { server, t } = await start();
    const answer = await raw(server.port, 'GET /echo HTTP/1.1\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toMatchObject({ status: 400, detail: expect.stringContaining('Host header') });
    expect(t.lines.find((l) => l.status === 400 && l.path === '/echo')).toMatchObject({ level: 'warn', route: 'unmatched' });
    expect((await send(server.port, { path: '/metrics' })).text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="400"/);
    // HTTP/1.0 never required Host
    expect((await raw(server.port, 'POST /echo HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{"n":1}')).status).toBe(200);
  });

  it('an Expect other than 100-continue: 417 problem, counted', async () => {
    const { server } = await start();
    const answer = await raw(server.port, `GET /echo HTTP/1.1\r\nHost: x\r\nExpect: ${MARKER}\r\nConnection: close\r\n\r\n`);
    expect(answer.status).toBe(417);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body).not.toContain(MARKER);
    expect((await send(server.port, { path: '/metrics' })).text).toMatch(/http_requests_total\{method="GET",route="unmatched",status="417"/);
  });

  it('CONNECT (this is no proxy): 400 problem instead of a silently closed connection, counted', async () => {
    const { server, t } = await start();
    const answer = await raw(server.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ detail: 'CONNECT is not supported: this server is not a proxy' });
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.headers.connection).toBe('close');
    expect((await send(server.port, { path: '/metrics' })).text).toContain('http_parser_errors_total{status="400",code="CONNECT"');
    expect(t.lines.find((l) => l.msg === 'http request rejected by the parser')).toMatchObject({ status: 400, code: 'CONNECT' });
  });

  it('an HTTP/2 preface on the HTTP/1.1 port: 400 with its parser code as label', async () => {
    const { server } = await start();
    const answer = await raw(server.port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
    expect(answer.status).toBe(400);
    const metrics = (await send(server.port, { path: '/metrics' })).text;
    expect(metrics).toMatch(/http_parser_errors_total\{status="400",code="HPE_[A-Z0-9_]+"/);
  });
});

describe('http_parser_errors_total', () => {
  it('passes `promtool check metrics` (when promtool is installed)', async () => {
    const { execFile } = await import('node:child_process');
    const available = await new Promise<boolean>((resolve) => execFile('promtool', ['--version'], (err) => resolve(err === null)));
    if (!available && process.env.PODKIT_REQUIRE_PROMTOOL !== '1') return;
    const { server } = await start();
    await raw(server.port, 'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n');
    const body = (await send(server.port, { path: '/metrics' })).text;
    expect(body).toContain('# TYPE http_parser_errors_total counter');
    const result = await new Promise<{ code: number; out: string }>((resolve) => {
      const child = execFile('promtool', ['check', 'metrics'], (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
      );
      child.stdin?.end(body);
    });
    expect(result.out).not.toMatch(/http_parser_errors_total/);
    expect(result.code, result.out).toBe(0);
  });
});
