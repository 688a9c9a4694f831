import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiClient } from './client.ts';
import { ApiError, isAbortError } from './errors.ts';

/** A real HTTP server on port 0; each test picks its behaviour by path. */
let server: Server;
let baseUrl: string;
const hanging = new Set<ServerResponse>();
const seen: { method?: string; authorization?: string; contentType?: string; body: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({
    method: req.method,
    authorization: req.headers.authorization,
    contentType: req.headers['content-type'],
    body,
  });
  const problem = (status: number, doc: object, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/problem+json', ...headers });
    res.end(JSON.stringify(doc));
  };
  switch (req.url) {
    case '/ok':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ hello: 'world', echo: body }));
      return;
    case '/no-content':
      res.writeHead(204);
      res.end();
      return;
    case '/conflict':
      problem(409, { type: 'about:blank', title: 'Conflict', status: 409, detail: 'username taken', errors: [{ path: ['username'], message: 'taken' }] });
      return;
    case '/unauthorized':
      problem(401, { title: 'Unauthorized', status: 401 });
      return;
    case '/busy':
      problem(503, { title: 'Service Unavailable', status: 503 }, { 'retry-after': '5' });
      return;
    case '/html-error':
      res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' });
      res.end('<h1>nginx</h1>');
      return;
    case '/bad-json':
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"truncated":');
      return;
    case '/hang':
      hanging.add(res);
      return;
    default:
      problem(404, { title: 'Not Found', status: 404 });
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const res of hanging) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createApiClient', () => {
  it('sends JSON with the bearer token and resolves to the parsed body', async () => {
    const client = createApiClient({ baseUrl, getToken: () => 'tok-1' });
    const result = await client.request<{ hello: string; echo: string }>('POST', '/ok', { json: { a: 1 } });
    expect(result).toEqual({ hello: 'world', echo: '{"a":1}' });
    expect(seen.at(-1)).toMatchObject({ method: 'POST', authorization: 'Bearer tok-1', contentType: 'application/json' });
  });

  it('sends raw bytes with their content type and no token when logged out', async () => {
    const client = createApiClient({ baseUrl, getToken: () => null });
    const bytes = new TextEncoder().encode('PNGDATA');
    await client.request('POST', '/ok', { body: bytes.buffer, contentType: 'image/png' });
    expect(seen.at(-1)).toMatchObject({ authorization: undefined, contentType: 'image/png', body: 'PNGDATA' });
  });

  it('resolves 204 to undefined', async () => {
    await expect(createApiClient({ baseUrl }).request('DELETE', '/no-content')).resolves.toBeUndefined();
  });

  it('rejects error answers with the problem document', async () => {
    const error = await createApiClient({ baseUrl }).request('POST', '/conflict').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      kind: 'problem',
      status: 409,
      problem: { title: 'Conflict', detail: 'username taken', errors: [{ path: ['username'], message: 'taken' }] },
    });
  });

  it('reads Retry-After, and makes a problem from the status line when the body is not one', async () => {
    const client = createApiClient({ baseUrl });
    await expect(client.request('GET', '/busy')).rejects.toMatchObject({ status: 503, retryAfterSeconds: 5 });
    await expect(client.request('GET', '/html-error')).rejects.toMatchObject({
      kind: 'problem',
      status: 502,
      problem: { status: 502, title: 'Bad Gateway' },
    });
  });

  it('rejects unreadable success bodies as invalid-response', async () => {
    await expect(createApiClient({ baseUrl }).request('GET', '/bad-json')).rejects.toMatchObject({
      kind: 'invalid-response',
    });
  });

  it('reports a 401 to onUnauthorized only when a token was sent', async () => {
    const onUnauthorized = vi.fn();
    let token: string | null = 'expired-token';
    const client = createApiClient({ baseUrl, getToken: () => token, onUnauthorized });
    await expect(client.request('GET', '/unauthorized')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    token = null;
    await expect(client.request('GET', '/unauthorized')).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('rejects with kind network when nothing answers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await createApiClient({ baseUrl: `http://127.0.0.1:${port}` })
      .request('GET', '/ok')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'network' });
  });

  it('gives up with kind timeout when the server does not answer in time', async () => {
    const client = createApiClient({ baseUrl, timeoutMs: 50 });
    await expect(client.request('GET', '/hang')).rejects.toMatchObject({ kind: 'timeout' });
  });

  it('rejects with an AbortError (not an ApiError) when the caller cancels', async () => {
    const controller = new AbortController();
    const pending = createApiClient({ baseUrl }).request('GET', '/hang', { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    expect(isAbortError(error)).toBe(true);
    expect(error).not.toBeInstanceOf(ApiError);
  });
});
