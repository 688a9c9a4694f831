import { createMetrics } from '@podkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostsApp } from '../../src/posts/app.ts';
import { backends } from '../helpers/backends.ts';
import { call, listen, quietLogger, type TestServer } from '../helpers/http.ts';
import { testIssuer, type TestIssuer } from '../helpers/tokens.ts';

describe.each(backends())('posts service on $name', (backend) => {
  let server: TestServer;
  let url: string;
  let issuer: TestIssuer;
  const metrics = createMetrics({ service: { name: 'posts', version: 'test' }, runtimeMetrics: false });
  const lookups = async (result: string): Promise<number> =>
    (await metrics.registry.getSingleMetric('posts_cache_lookups_total')!.get()).values.find((v) => v.labels.result === result)?.value ?? 0;

  beforeAll(async () => {
    issuer = await testIssuer();
    const app = await createPostsApp({
      db: await backend.openDatabase('posts'),
      cache: await backend.openCache(),
      verifier: issuer.verifier,
      logger: quietLogger(),
      metrics,
      cacheTtlSeconds: 60,
    });
    server = await listen(app.router.listener);
    url = `${server.url}/api/posts`;
  });
  afterAll(async () => {
    await server.close();
    metrics.close();
    await backend.cleanup();
  });

  it('creates, reads through the cache, and invalidates on update', async () => {
    const { token, userId } = await issuer.token({ displayName: 'Ada L.' });
    const created = await call(url, 'POST', { token, json: { title: 'Hello', body: 'First post', imageIds: [] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ authorId: userId, authorName: 'Ada L.', title: 'Hello', imageIds: [] });
    const id = created.body.id as string;
    const [h0, m0] = [await lookups('hit'), await lookups('miss')];
    expect((await call(`${url}/${id}`, 'GET')).body).toEqual(created.body);
    expect((await call(`${url}/${id}`, 'GET')).body).toEqual(created.body);
    expect(await lookups('miss')).toBe(m0 + 1);
    expect(await lookups('hit')).toBe(h0 + 1);
    const patched = await call(`${url}/${id}`, 'PATCH', { token, json: { title: 'Hello again' } });
    expect(patched.status).toBe(200);
    expect(patched.body.title).toBe('Hello again');
    expect((await call(`${url}/${id}`, 'GET')).body.title).toBe('Hello again');
  });

  it('creates one post for a create retried with the same Idempotency-Key', async () => {
    const { token } = await issuer.token();
    const headers = { 'idempotency-key': 'retry-me-1' };
    const a = await call(url, 'POST', { token, headers, json: { title: 'once', body: 'b' } });
    const b = await call(url, 'POST', { token, headers, json: { title: 'once', body: 'b' } });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    const other = await issuer.token();
    const c = await call(url, 'POST', { token: other.token, headers, json: { title: 'once', body: 'b' } });
    expect(c.body.id).not.toBe(a.body.id);
  });

  it('answers 422 when an Idempotency-Key is reused with a different body (IETF draft), and stores nothing', async () => {
    const { token } = await issuer.token();
    const headers = { 'idempotency-key': 'reuse-me-1' };
    const a = await call(url, 'POST', { token, headers, json: { title: 'first', body: 'b' } });
    expect(a.status).toBe(201);
    for (const json of [{ title: 'second', body: 'b' }, { title: 'first', body: 'b', imageIds: ['0b7e6a3c-1d2f-4e5a-8b9c-0d1e2f3a4b5c'] }]) {
      const b = await call(url, 'POST', { token, headers, json });
      expect(b.status).toBe(422);
      expect(b.headers.get('content-type')).toContain('application/problem+json');
      expect(b.body.detail).toContain('Idempotency-Key');
    }
    const page = await call(`${url}?limit=100`, 'GET');
    expect(page.body.items.filter((p: { title: string }) => p.title === 'second')).toHaveLength(0);
    // the same body again is still the first post
    expect((await call(url, 'POST', { token, headers, json: { title: 'first', body: 'b' } })).body.id).toBe(a.body.id);
  });

  it('lets only the author change or delete a post', async () => {
    const author = await issuer.token();
    const other = await issuer.token();
    const { body: post } = await call(url, 'POST', { token: author.token, json: { title: 't', body: 'b' } });
    expect((await call(`${url}/${post.id}`, 'PATCH', { token: other.token, json: { title: 'mine now' } })).status).toBe(403);
    expect((await call(`${url}/${post.id}`, 'DELETE', { token: other.token })).status).toBe(403);
    expect((await call(`${url}/${post.id}`, 'DELETE', { token: author.token })).status).toBe(204);
    expect((await call(`${url}/${post.id}`, 'GET')).status).toBe(404);
    expect((await call(`${url}/${post.id}`, 'DELETE', { token: author.token })).status).toBe(404);
  });

  it('lists newest first with cursor pagination and no gaps or repeats', async () => {
    const { token } = await issuer.token();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await call(url, 'POST', { token, json: { title: `p${i}`, body: 'x' } })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(`${url}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, 'GET');
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: { id: string }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    const mine = seen.filter((id) => ids.includes(id));
    expect(mine).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('answers bad input with problems, never 500', async () => {
    const { token } = await issuer.token();
    const cases: [string, string, Parameters<typeof call>[2], number][] = [
      ['', 'POST', { json: { title: 't', body: 'b' } }, 401],
      ['', 'POST', { token: `${token}x`, json: { title: 't', body: 'b' } }, 401],
      ['', 'POST', { token, json: { title: '', body: 'b' } }, 400],
      ['', 'POST', { token, json: { title: 't', body: 'b', imageIds: ['not-a-uuid'] } }, 400],
      ['', 'POST', { token, body: 'plain', headers: { 'content-type': 'text/plain' } }, 415],
      ['', 'POST', { token, json: { title: 't', body: 'x'.repeat(70_000) } }, 413],
      ['?limit=0', 'GET', {}, 400],
      ['?limit=abc', 'GET', {}, 400],
      ['?cursor=garbage', 'GET', {}, 400],
      ['/not-a-uuid', 'GET', {}, 404],
      ['/00000000-0000-4000-8000-000000000000', 'GET', {}, 404],
      ['/00000000-0000-4000-8000-000000000000', 'PATCH', { token, json: { title: 'x' } }, 404],
      ['/00000000-0000-4000-8000-000000000000', 'PATCH', { token, json: {} }, 400],
      ['/00000000-0000-4000-8000-000000000000', 'PUT', { token, json: {} }, 405],
    ];
    for (const [path, method, options, status] of cases) {
      const res = await call(`${url}${path}`, method, options);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
    }
  });
});
