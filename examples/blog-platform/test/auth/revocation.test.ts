/**
 * Logout and account deletion revoke tokens everywhere at once: auth keeps the revocations, every
 * other service's verifier checks auth's list (a conditional GET per batch of requests) before it
 * accepts a token, so the next write with a revoked token is refused, and a write is never
 * accepted when the list cannot be fetched.
 */
import { createClient, type HttpClient } from '@podkit/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthApp } from '../../src/auth/app.ts';
import { loadSigningKey } from '../../src/auth/signing-key.ts';
import { createPostsApp } from '../../src/posts/app.ts';
import { authVerifier } from '../../src/shared/auth/jwks-client.ts';
import { backends } from '../helpers/backends.ts';
import { call, listen, quietLogger, type TestServer } from '../helpers/http.ts';

describe.each(backends())('token revocation on $name', (backend) => {
  let auth: TestServer;
  let posts: TestServer;
  let client: HttpClient;
  let authUrl: string;
  let postsUrl: string;

  beforeAll(async () => {
    const app = await createAuthApp({
      db: await backend.openDatabase('auth'),
      cache: await backend.openCache(),
      key: await loadSigningKey(undefined),
      logger: quietLogger(),
      tokenTtlSeconds: 600,
      limits: { perAccount: 50, perAddress: 100, windowSeconds: 60 },
    });
    auth = await listen(app.router.listener);
    authUrl = `${auth.url}/api/auth`;
    client = createClient({ name: 'auth', baseUrl: auth.url, retry: { maxAttempts: 1 } });
    const postsApp = await createPostsApp({
      db: await backend.openDatabase('posts'),
      cache: await backend.openCache(),
      verifier: authVerifier(client),
      logger: quietLogger(),
      cacheTtlSeconds: 60,
    });
    posts = await listen(postsApp.router.listener);
    postsUrl = `${posts.url}/api/posts`;
  });
  afterAll(async () => {
    await posts.close();
    await auth.close().catch(() => {});
    await client.close();
    await backend.cleanup();
  });

  async function login(username: string): Promise<string> {
    const res = await call(`${authUrl}/login`, 'POST', { json: { username, password: 'right-password' } });
    expect(res.status).toBe(200);
    return res.body.token as string;
  }
  const write = (token: string): Promise<number> =>
    call(postsUrl, 'POST', { token, json: { title: 't', body: 'b' } }).then((r) => r.status);

  it('logout: that token is refused for writes at once (and by auth), the user\'s other tokens still work', async () => {
    expect((await call(`${authUrl}/register`, 'POST', { json: { username: 'leaver', password: 'right-password' } })).status).toBe(201);
    const [a, b] = [await login('leaver'), await login('leaver')];
    expect(await write(a)).toBe(201); // remembered by the verifier: revocation must still apply
    expect((await call(`${authUrl}/logout`, 'POST', { token: a })).status).toBe(204);
    expect(await write(a)).toBe(401);
    expect((await call(`${authUrl}/me`, 'GET', { token: a })).status).toBe(401);
    expect(await write(b)).toBe(201);
    expect((await call(`${authUrl}/me`, 'GET', { token: b })).status).toBe(200);
  });

  it('account deletion: every token of the user is refused for writes at once; the login is gone', async () => {
    expect((await call(`${authUrl}/register`, 'POST', { json: { username: 'deleted', password: 'right-password' } })).status).toBe(201);
    const [a, b] = [await login('deleted'), await login('deleted')];
    expect(await write(a)).toBe(201);
    expect((await call(`${authUrl}/me`, 'DELETE', { token: a })).status).toBe(204);
    // concurrent writes right after the deletion: none may get through
    const statuses = await Promise.all([a, b, a, b, a, b].map(write));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await call(`${authUrl}/login`, 'POST', { json: { username: 'deleted', password: 'right-password' } })).status).toBe(401);
  });

  it('the list is fetched conditionally: an unchanged list is a 304 without a body', async () => {
    const first = await call(`${authUrl}/revocations`, 'GET');
    expect(first.status).toBe(200);
    expect(first.body.revocations.length).toBeGreaterThanOrEqual(2);
    // a logout is published by its random token id only: the list does not say who logged out
    const logouts = first.body.revocations.filter((e: Record<string, unknown>) => 'jti' in e);
    expect(logouts.length).toBeGreaterThanOrEqual(1);
    for (const e of logouts) expect(Object.keys(e).sort()).toEqual(['exp', 'jti']);
    const etag = first.headers.get('etag')!;
    const again = await fetch(`${authUrl}/revocations`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('auth unreachable: a write is refused with 503 (retry), never accepted and never a 401', async () => {
    expect((await call(`${authUrl}/register`, 'POST', { json: { username: 'stranded', password: 'right-password' } })).status).toBe(201);
    const token = await login('stranded');
    expect(await write(token)).toBe(201);
    await auth.close();
    const res = await call(postsUrl, 'POST', { token, json: { title: 't', body: 'b' } });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
