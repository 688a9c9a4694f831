import { createClient, type HttpClient } from '@podkit/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommentsApp } from '../../src/comments/app.ts';
import { createPostLookup } from '../../src/comments/post-lookup.ts';
import { createPostsApp } from '../../src/posts/app.ts';
import { backends } from '../helpers/backends.ts';
import { call, listen, quietLogger, type TestServer } from '../helpers/http.ts';
import { testIssuer, type TestIssuer } from '../helpers/tokens.ts';

describe.each(backends())('comments service on $name', (backend) => {
  let posts: TestServer;
  let comments: TestServer;
  let client: HttpClient;
  let issuer: TestIssuer;
  let url: string;
  let postsUrl: string;
  /** Server-side duration of the last request comments answered. */
  let lastDurationMs = Number.NaN;

  beforeAll(async () => {
    issuer = await testIssuer();
    const postsApp = await createPostsApp({
      db: await backend.openDatabase('posts'),
      cache: await backend.openCache(),
      verifier: issuer.verifier,
      logger: quietLogger(),
      cacheTtlSeconds: 60,
    });
    posts = await listen(postsApp.router.listener);
    postsUrl = `${posts.url}/api/posts`;
    client = createClient({ name: 'posts', baseUrl: posts.url, breaker: { minimumVolume: 4, resetTimeoutMs: 60_000 } });
    const app = await createCommentsApp({
      db: await backend.openDatabase('comments'),
      verifier: issuer.verifier,
      postExists: createPostLookup(client),
      logger: quietLogger(),
    });
    comments = await listen((req, res) => {
      const started = performance.now();
      res.once('finish', () => (lastDurationMs = performance.now() - started));
      app.router.listener(req, res);
    });
    url = `${comments.url}/api/comments`;
  });
  afterAll(async () => {
    await comments.close();
    await posts.close().catch(() => {});
    await client.close();
    await backend.cleanup();
  });

  it('comments on an existing post, lists newest first, and lets only the author delete', async () => {
    const alice = await issuer.token({ displayName: 'Alice' });
    const bob = await issuer.token({ displayName: 'Bob' });
    const { body: post } = await call(postsUrl, 'POST', { token: alice.token, json: { title: 't', body: 'b' } });
    const first = await call(url, 'POST', { token: bob.token, json: { postId: post.id, body: 'first!' } });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ postId: post.id, authorId: bob.userId, authorName: 'Bob', body: 'first!' });
    const second = await call(url, 'POST', { token: alice.token, json: { postId: post.id, body: 'thanks' } });
    const list = await call(`${url}?postId=${post.id}&limit=1`, 'GET');
    expect(list.body.items.map((c: { id: string }) => c.id)).toEqual([second.body.id]);
    const next = await call(`${url}?postId=${post.id}&limit=1&cursor=${list.body.nextCursor}`, 'GET');
    expect(next.body.items.map((c: { id: string }) => c.id)).toEqual([first.body.id]);
    expect((await call(`${url}/${first.body.id}`, 'DELETE', { token: alice.token })).status).toBe(403);
    expect((await call(`${url}/${first.body.id}`, 'DELETE', { token: bob.token })).status).toBe(204);
    expect((await call(`${url}/${first.body.id}`, 'DELETE', { token: bob.token })).status).toBe(404);
  });

  it('answers 422 when an Idempotency-Key is reused with a different body, and the first comment for the same body', async () => {
    const { token } = await issuer.token();
    const { body: post } = await call(postsUrl, 'POST', { token, json: { title: 't', body: 'b' } });
    const headers = { 'idempotency-key': 'comment-key-1' };
    const a = await call(url, 'POST', { token, headers, json: { postId: post.id, body: 'same' } });
    expect(a.status).toBe(201);
    expect((await call(url, 'POST', { token, headers, json: { postId: post.id, body: 'same' } })).body.id).toBe(a.body.id);
    const b = await call(url, 'POST', { token, headers, json: { postId: post.id, body: 'different' } });
    expect(b.status).toBe(422);
    expect(b.headers.get('content-type')).toContain('application/problem+json');
    const list = await call(`${url}?postId=${post.id}`, 'GET');
    expect(list.body.items.map((c: { body: string }) => c.body)).toEqual(['same']);
  });

  it('answers bad input with problems, never 500', async () => {
    const { token } = await issuer.token();
    const missing = '00000000-0000-4000-8000-000000000000';
    const cases: [string, string, Parameters<typeof call>[2], number][] = [
      ['', 'POST', { json: { postId: missing, body: 'x' } }, 401],
      ['', 'POST', { token, json: { postId: missing, body: 'x' } }, 404],
      ['', 'POST', { token, json: { postId: 'nope', body: 'x' } }, 400],
      ['', 'POST', { token, json: { postId: missing, body: '   ' } }, 400],
      ['', 'GET', {}, 400],
      ['?postId=nope', 'GET', {}, 400],
      [`?postId=${missing}&cursor=zzz`, 'GET', {}, 400],
      ['/nope', 'DELETE', { token }, 404],
    ];
    for (const [path, method, options, status] of cases) {
      const res = await call(`${url}${path}`, method, options);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
    }
  });

  it('answers 503 when posts is down, and fails fast once the breaker is open', async () => {
    const { token } = await issuer.token();
    const { body: post } = await call(postsUrl, 'POST', { token, json: { title: 't', body: 'b' } });
    await posts.close();
    for (let i = 0; i < 4; i++) {
      const res = await call(url, 'POST', { token, json: { postId: post.id, body: 'x' } });
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(client.breakerState().state).toBe('open');
    const res = await call(url, 'POST', { token, json: { postId: post.id, body: 'x' } });
    expect(res.status).toBe(503);
    expect(lastDurationMs).toBeLessThan(50);
  });
});
