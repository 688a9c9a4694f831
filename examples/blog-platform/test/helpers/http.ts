import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger, type Logger } from '@podkit/core';

/** A real HTTP server on an ephemeral port. */
export interface TestServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `listener` on 127.0.0.1:0. */
export async function listen(listener: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(listener);
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A JSON response. */
export interface JsonResponse {
  readonly status: number;
  readonly headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test responses are inspected loosely
  readonly body: any;
}

/** Calls `url` with an optional JSON body and bearer token; parses a JSON answer. */
export async function call(
  url: string,
  method: string,
  options: { json?: unknown; token?: string; headers?: Record<string, string>; body?: string | Uint8Array } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const res = await fetch(url, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if (/json/.test(res.headers.get('content-type') ?? '') && text !== '') parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed };
}

/** A logger that writes nowhere (tests that do not read logs). */
export function quietLogger(name = 'test'): Logger {
  return createLogger({ service: { name, version: 'test' }, level: 'silent' });
}
