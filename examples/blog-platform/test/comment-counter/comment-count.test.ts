/**
 * The comment-counter worker end to end through the gateway: creating and deleting comments
 * changes `GET /api/comments/count?postId=` (and the batch `counts?postIds=`), on the embedded default (in-process queue, the
 * worker inside the comments process, as `npm start` runs it) and on RabbitMQ (the worker as its
 * own process, as deployed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../helpers/http.ts';
import { metricValue, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { AMQP_URL, deleteQueues, sharedDatabaseUrl } from './broker.ts';

/** Polls the public count until it is `expected` (the projection is eventually consistent). */
async function countBecomes(gw: string, postId: string, expected: number): Promise<void> {
  let last: unknown;
  for (let i = 0; i < 300; i++) {
    const res = await call(`${gw}/comments/count?postId=${postId}`, 'GET');
    expect(res.status).toBe(200);
    last = res.body;
    if (res.body.commentCount === expected) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(last).toEqual({ postId, commentCount: expected });
}

async function commentFlow(platform: TestPlatform, user: string): Promise<void> {
  const gw = `${platform.gatewayUrl}/api`;
  expect((await call(`${gw}/auth/register`, 'POST', { json: { username: user, password: 'a-long-password', displayName: 'Wanda' } })).status).toBe(201);
  const { token } = (await call(`${gw}/auth/login`, 'POST', { json: { username: user, password: 'a-long-password' } })).body as { token: string };
  const post = await call(`${gw}/posts`, 'POST', { token, json: { title: 'counted', body: 'comments are counted by a worker' } });
  expect(post.status).toBe(201);
  const postId = post.body.id as string;
  expect((await call(`${gw}/comments/count?postId=${postId}`, 'GET')).body).toEqual({ postId, commentCount: 0 });
  const ids: string[] = [];
  for (const body of ['one', 'two', 'three']) {
    const res = await call(`${gw}/comments`, 'POST', { token, json: { postId, body } });
    expect(res.status).toBe(201);
    ids.push(res.body.id as string);
  }
  await countBecomes(gw, postId, 3);
  expect((await call(`${gw}/comments/${ids[0]!}`, 'DELETE', { token })).status).toBe(204);
  await countBecomes(gw, postId, 2);
  // the batch form the post list uses: this post, an unknown one (0), a duplicate
  const other = '00000000-0000-4000-8000-000000000000';
  const counts = await call(`${gw}/comments/counts?postIds=${postId},${other},${postId}`, 'GET');
  expect(counts.status).toBe(200);
  expect(counts.body).toEqual({ counts: { [postId]: 2, [other]: 0 } });
  // bad input is a 400 problem, not a 500
  const tooMany = Array.from({ length: 51 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(',');
  for (const path of ['count?postId=not-a-uuid', 'counts?postIds=not-a-uuid', 'counts?postIds=', 'counts', `counts?postIds=${postId},`, `counts?postIds=${tooMany}`]) {
    const bad = await call(`${gw}/comments/${path}`, 'GET');
    expect(bad.status, path).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  }
}

describe('comment count, embedded (in-process queue, worker inside comments)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ services: ['auth', 'posts', 'comments', 'gateway'], env: { AMQP_URL: undefined } });
  }, 120_000);
  afterAll(async () => platform?.close(), 60_000);

  it('counts created and deleted comments through the gateway', async () => {
    expect(platform.processes.has('comment-counter')).toBe(false);
    await commentFlow(platform, 'counter-embedded');
    expect(await metricValue(platform.adminUrls.comments!, 'podkit_consumer_messages_total', { consumer: 'comment-events', outcome: 'success' })).toBe(4);
  }, 60_000);
});

describe('comment count on RabbitMQ (worker as its own process)', () => {
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ services: ['auth', 'posts', 'comments', 'comment-counter', 'gateway'], env: { AMQP_URL, DATABASE_URL: await sharedDatabaseUrl() } });
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    if (platform !== undefined) await deleteQueues(platform.isolate);
  }, 60_000);

  it('counts created and deleted comments through the gateway; the worker serves probes and metrics on its admin port only', async () => {
    expect(platform.processes.has('comment-counter')).toBe(true);
    await commentFlow(platform, 'counter-amqp');
    const admin = platform.adminUrls['comment-counter']!;
    expect(await metricValue(admin, 'podkit_consumer_messages_total', { consumer: 'comment-events', outcome: 'success' })).toBe(4);
    expect(await metricValue(platform.adminUrls.comments!, 'podkit_consumer_messages_total')).toBe(0);
    const ready = await fetch(`${admin}/ready`);
    expect(ready.status).toBe(200);
    // the public port has no API
    expect((await fetch(`${platform.urls['comment-counter']!}/metrics`)).status).toBe(404);
  }, 60_000);
});
