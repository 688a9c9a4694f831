// The fault-injecting upstream, driven by a plain client: each scripted fault does what it says
// on a real socket, and every request is recorded with its headers and body.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  delayed,
  hang,
  json,
  malformedJson,
  resetBeforeHead,
  resetMidBody,
  resetMidHead,
  slowBody,
  startFaultUpstream,
  TestingOptionsError,
  unavailable,
  wrongShape,
  type FaultUpstream,
} from '../src/index.ts';

interface Got {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  error?: string;
}

function get(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {}): Promise<Got> {
  return new Promise((resolve) => {
    const r = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ status: res.statusCode, error: err.code ?? err.message }));
    });
    if (init.timeoutMs !== undefined) r.setTimeout(init.timeoutMs, () => r.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    r.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    r.end(init.body);
  });
}

let upstream: FaultUpstream | undefined;
afterEach(async () => {
  await upstream?.close();
  upstream = undefined;
});

describe('startFaultUpstream', () => {
  it('answers scripted faults in order, then the fallback, recording what it received', async () => {
    upstream = await startFaultUpstream();
    upstream.script(unavailable(7), malformedJson(), wrongShape(), json({ id: 1 }, 201));
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const a = await get(`${upstream.url}/a`, { method: 'POST', headers: { traceparent, 'x-request-id': 'req-1', 'content-type': 'application/json' }, body: '{"x":1}' });
    expect(a).toMatchObject({ status: 503, headers: { 'retry-after': '7', 'content-type': 'application/problem+json' } });
    const b = await get(`${upstream.url}/b`);
    expect(b.status).toBe(200);
    expect(() => JSON.parse(b.body!) as unknown).toThrow();
    expect(JSON.parse((await get(`${upstream.url}/c`)).body!)).toEqual(['not', 'the', 'expected', 'shape']);
    expect(await get(`${upstream.url}/d`)).toMatchObject({ status: 201, body: '{"id":1}' });
    expect(await get(`${upstream.url}/e`)).toMatchObject({ status: 200, body: '{"ok":true}' });
    expect(upstream.requests.map((r) => [r.url, r.fault])).toEqual([
      ['/a', 'unavailable-503'],
      ['/b', 'malformed-json'],
      ['/c', 'wrong-shape'],
      ['/d', 'respond-201'],
      ['/e', 'respond-200'],
    ]);
    expect(upstream.requests[0]).toMatchObject({ method: 'POST', body: '{"x":1}', headers: { traceparent, 'x-request-id': 'req-1' } });
  });

  it('resets before the head, mid-head and mid-body', async () => {
    upstream = await startFaultUpstream();
    upstream.script(resetBeforeHead(), resetMidHead(), resetMidBody({ bytes: 10, totalBytes: 100 }));
    expect((await get(upstream.url)).error).toMatch(/ECONNRESET|socket hang up/);
    expect((await get(upstream.url)).error).toMatch(/ECONNRESET|HPE_|socket hang up/);
    const mid = await get(upstream.url);
    expect(mid.status).toBe(200);
    expect(mid.error).toMatch(/ECONNRESET|aborted/);
  });

  it('hangs until the client gives up, sends a slow body, and delays by a latency distribution', async () => {
    upstream = await startFaultUpstream({ random: () => 0.5 });
    upstream.script(hang(), slowBody({ chunks: 3, intervalMs: 20 }), delayed({ min: 10, max: 30 }, json({ late: true })));
    expect((await get(upstream.url, { timeoutMs: 200 })).error).toBe('TIMEOUT');
    expect(await get(upstream.url)).toMatchObject({ status: 200, body: '[0,1,2]' });
    const t0 = performance.now();
    expect(await get(upstream.url)).toMatchObject({ status: 200, body: '{"late":true}' });
    expect(performance.now() - t0).toBeGreaterThanOrEqual(19); // 10 + 0.5 × 20, with timer slack
  });

  it('refuses connections until told to accept again, on the same port', async () => {
    upstream = await startFaultUpstream();
    const { port } = upstream;
    await upstream.refuse();
    expect((await get(upstream.url)).error).toBe('ECONNREFUSED');
    await upstream.accept();
    expect(upstream.port).toBe(port);
    expect((await get(upstream.url)).status).toBe(200);
  });

  it('rejects invalid fault options with a clear error', () => {
    expect(() => json({}, 700)).toThrow(TestingOptionsError);
    expect(() => json({}, 700)).toThrow('status must be an integer in 100..599, got 700');
    expect(() => delayed(-1)).toThrow('latency must be a non-negative number of ms, got -1');
  });
});
