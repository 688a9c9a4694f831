import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

export interface TestRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Send the body with chunked encoding (no content-length). */
  chunked?: boolean;
}

/** One request on a fresh connection (agent: false), resolving the full response. */
export function send(port: number, req: TestRequest = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined && !req.chunked && headers['content-length'] === undefined) {
      headers['content-length'] = Buffer.byteLength(req.body);
    }
    const r = request(
      { host: '127.0.0.1', port, method: req.method ?? 'GET', path: req.path ?? '/', headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    r.on('error', reject);
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}
