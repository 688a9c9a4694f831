/**
 * The platform with `OTEL_EXPORTER_OTLP_ENDPOINT` pointing at a real OTLP/HTTP receiver in this
 * test (it decodes the JSON the exporter posts): a comment created through the gateway arrives
 * as one trace, gateway server → gateway client → comments server → comments client → posts
 * server, each span carrying its own service's `service.name`.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { call } from '../helpers/http.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../../packages/otel/test/helpers/otlp-receiver.ts';
import { jsonLines, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/** OTLP span kinds (`SPAN_KIND_SERVER`, `SPAN_KIND_CLIENT`). */
const SERVER = 2;
const CLIENT = 3;

let receiver: OtlpReceiver;
let platform: TestPlatform | undefined;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  platform = await startTestPlatform({
    services: ['gateway', 'auth', 'posts', 'comments'],
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint },
    serviceEnv: { gateway: { ACCESS_LOG: 'true' } },
  });
}, 120_000);
afterAll(async () => {
  await platform?.close();
  await receiver.close();
});

it('exports a comment created through the gateway as one trace across gateway, comments and posts', async () => {
  const gw = `${platform!.gatewayUrl}/api`;
  const user = `otlp-${randomBytes(4).toString('hex')}`;
  expect((await call(`${gw}/auth/register`, 'POST', { json: { username: user, password: 'correct horse battery', displayName: 'O' } })).status).toBe(201);
  const { token } = (await call(`${gw}/auth/login`, 'POST', { json: { username: user, password: 'correct horse battery' } })).body as { token: string };
  const post = await call(`${gw}/posts`, 'POST', { token, json: { title: 'traced', body: 'b' } });
  expect(post.status).toBe(201);

  // the caller's span: the test plays a traced client, so the gateway continues its trace
  const traceId = randomBytes(16).toString('hex');
  const callerSpanId = randomBytes(8).toString('hex');
  const res = await call(`${gw}/comments`, 'POST', {
    token,
    json: { postId: post.body.id, body: 'one trace' },
    headers: { traceparent: `00-${traceId}-${callerSpanId}-01` },
  });
  expect(res.status).toBe(201);

  const inTrace = (): ReceivedSpan[] => receiver.spans.filter((s) => s.traceId === traceId);
  /** The spans of `service` of `kind` under `parentId` (a client span: the one calling `upstream`). */
  const under = (spans: readonly ReceivedSpan[], parentId: string, service: string, kind: number, upstream?: string): ReceivedSpan[] =>
    spans.filter((s) => s.parentSpanId === parentId && s.serviceName === service && s.kind === kind && (upstream === undefined || s.attributes['podkit.client'] === upstream));
  /** The five spans of the chain, or the first link that has not arrived (yet). */
  const chain = (spans: readonly ReceivedSpan[]): ReceivedSpan[] | string => {
    // comments also fetches auth's JWKS under its server span (a sibling of the posts call)
    const links: [string, number, string?][] = [['gateway', SERVER], ['gateway', CLIENT, 'comments'], ['comments', SERVER], ['comments', CLIENT, 'posts'], ['posts', SERVER]];
    const found: ReceivedSpan[] = [];
    let parentId = callerSpanId;
    for (const [service, kind, upstream] of links) {
      const [span, ...more] = under(spans, parentId, service, kind, upstream);
      if (span === undefined) return `no ${kind === SERVER ? 'server' : 'client'} span of ${service} under ${parentId}`;
      if (more.length > 0) return `${more.length + 1} ${service} spans under ${parentId}`;
      found.push(span);
      parentId = span.spanId;
    }
    return found;
  };
  // each process sends its spans in batches (every 5 s by default): wait until the chain is whole
  await expect.poll(() => chain(inTrace()), { timeout: 30_000, interval: 100 }).toBeTypeOf('object');
  const spans = inTrace();
  const [gatewayServer, gatewayClient, commentsServer, commentsClient, postsServer] = chain(spans) as ReceivedSpan[];
  expect(gatewayServer!.name).toBe('POST /api/comments/*');
  expect(gatewayClient!.name).toBe('POST');
  expect(commentsServer!.name).toMatch(/^POST /);
  expect(commentsClient!.name).toBe('GET');
  expect(postsServer!.name).toBe('GET /api/posts/:id');
  expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([traceId]));
  for (const s of spans) expect(s.resource['service.version'], s.name).toBeTypeOf('string');

  // and the same trace id is on the log lines of the three services (buffered: written within
  // 100 ms of each service's own batching window, so wait for each)
  for (const id of ['gateway', 'comments', 'posts']) {
    await vi.waitFor(() => {
      expect(jsonLines(platform!.logs[id]!).some((l) => l.trace_id === traceId), `${id} logs trace ${traceId}`).toBe(true);
    }, { timeout: 5000 });
  }
  // one startup line per service, and no warning about a second @opentelemetry/api copy
  for (const id of ['gateway', 'auth', 'posts', 'comments']) {
    const lines = jsonLines(platform!.logs[id]!);
    expect(lines.filter((l) => l.msg === 'OpenTelemetry started'), id).toHaveLength(1);
    expect(lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('@opentelemetry/api')), id).toEqual([]);
  }
}, 90_000);
