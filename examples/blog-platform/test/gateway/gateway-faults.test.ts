// The gateway in front of a misbehaving upstream, scripted with @podkit/testing's fault upstream:
// refused connections, a reset before the head, a hang past the deadline, an upstream 503. The
// caller always gets an RFC 9457 problem (never a stack), and the upstream records what it got.
import { createClient, type HttpClient } from '@podkit/http';
import { hang, resetBeforeHead, startFaultUpstream, unavailable, type FaultUpstream } from '@podkit/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGatewayListener, UPSTREAMS, type UpstreamName } from '../../src/gateway/app.ts';
import { call, listen, quietLogger, type TestServer } from '../helpers/http.ts';

describe('gateway against a faulty upstream', () => {
  let upstream: FaultUpstream;
  let gateway: TestServer;
  let clients: Record<UpstreamName, HttpClient>;

  beforeEach(async () => {
    upstream = await startFaultUpstream();
    clients = Object.fromEntries(
      UPSTREAMS.map((n) => [n, createClient({ name: n, baseUrl: upstream.url, timeouts: { headersMs: 300, bodyMs: 300, deadlineMs: 1000 }, retry: { baseDelayMs: 5, maxDelayMs: 20 } })]),
    ) as Record<UpstreamName, HttpClient>;
    gateway = await listen(createGatewayListener({ clients, logger: quietLogger() }));
  });
  afterEach(async () => {
    await gateway?.close();
    await Promise.all(Object.values(clients ?? {}).map((c) => c.close()));
    await upstream.close();
  });

  it('answers 503 with a problem and Retry-After when the upstream refuses connections', async () => {
    await upstream.refuse();
    const res = await call(`${gateway.url}/api/posts`, 'GET');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('retry-after')).toBe('1');
    expect(JSON.stringify(res.body)).not.toMatch(/ECONNREFUSED|at \w+ \(/);
    expect((await call(`${gateway.url}/`, 'GET')).status).toBe(404);
  });

  it('retries a GET reset before the head and answers 200', async () => {
    upstream.script(resetBeforeHead());
    const res = await call(`${gateway.url}/api/posts?limit=5`, 'GET');
    expect(res.status).toBe(200);
    expect(upstream.requests.map((r) => [r.url, r.fault])).toEqual([
      ['/api/posts?limit=5', 'reset'],
      ['/api/posts?limit=5', 'respond-200'],
    ]);
    expect(upstream.requests[1]?.headers['x-forwarded-for']).toBeDefined();
  });

  it('answers 504 when the upstream hangs past the deadline', async () => {
    upstream.fallback(hang());
    const res = await call(`${gateway.url}/api/comments?postId=00000000-0000-4000-8000-000000000000`, 'GET');
    expect(res.status).toBe(504);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('does not retry a POST the upstream answered 503, and passes a problem back', async () => {
    upstream.script(unavailable(3));
    const res = await call(`${gateway.url}/api/posts`, 'POST', { json: { title: 't', body: 'b' } });
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.status).toBeLessThan(600);
    expect(upstream.requests).toHaveLength(1);
    expect(upstream.requests[0]).toMatchObject({ method: 'POST', body: '{"title":"t","body":"b"}' });
  });
});
