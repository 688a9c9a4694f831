import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { call } from '../helpers/http.ts';
import { jsonLines, metricValue, startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/**
 * One platform for the whole file: five processes on ephemeral ports, with canary values planted
 * in every secret (env var, mounted Secret files, Authorization and Cookie headers, passwords in
 * bodies). The last test checks that none of them reached any log line.
 */
const canary = (label: string): string => `CANARY${label}${randomBytes(6).toString('hex')}`;
const canaries = {
  dbPasswordEnv: canary('dbenv'),
  dbPasswordFile: canary('dbfile'),
  apiKeyFile: canary('apikey'),
  password: canary('pw'),
  wrongPassword: canary('wrongpw'),
  cookie: canary('cookie'),
  bogusBearer: canary('bearer'),
};
const signingKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pemBody = signingKeyPem.split('\n')[1]!;

describe('the whole platform', () => {
  let platform: TestPlatform;
  let gw: string;
  let secretsDir: string;
  let token: string;
  let postId: string;

  beforeAll(async () => {
    secretsDir = mkdtempSync(path.join(tmpdir(), 'podkit-secrets-'));
    writeFileSync(path.join(secretsDir, 'jwt-signing-key'), signingKeyPem);
    writeFileSync(path.join(secretsDir, 'api-key'), canaries.apiKeyFile);
    writeFileSync(path.join(secretsDir, 'database-password'), canaries.dbPasswordFile);
    platform = await startTestPlatform({
      env: { PODKIT_SECRETS_DIR: secretsDir, LOG_LEVEL: 'debug' },
      serviceEnv: { gateway: { ACCESS_LOG: 'true' }, comments: { DATABASE_PASSWORD: canaries.dbPasswordEnv } },
    });
    gw = `${platform.gatewayUrl}/api`;
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    rmSync(secretsDir, { recursive: true, force: true });
  });

  it('registers, logs in, creates a post, and serves the second read from the cache', async () => {
    const reg = await call(`${gw}/auth/register`, 'POST', { json: { username: 'platform-user', password: canaries.password, displayName: 'Pat' } });
    expect(reg.status).toBe(201);
    expect((await call(`${gw}/auth/login`, 'POST', { json: { username: 'platform-user', password: canaries.wrongPassword } })).status).toBe(401);
    const login = await call(`${gw}/auth/login`, 'POST', { json: { username: 'platform-user', password: canaries.password } });
    expect(login.status).toBe(200);
    token = login.body.token;
    const me = await call(`${gw}/auth/me`, 'GET', { token, headers: { cookie: `session=${canaries.cookie}` } });
    expect(me.body.user.username).toBe('platform-user');
    expect((await call(`${gw}/auth/me`, 'GET', { token: canaries.bogusBearer })).status).toBe(401);

    const created = await call(`${gw}/posts`, 'POST', { token, json: { title: 'Through the gateway', body: 'hello' } });
    expect(created.status).toBe(201);
    postId = created.body.id;
    const posts = platform.adminUrls.posts!; // /metrics is on the admin port
    const hits = await metricValue(posts, 'posts_cache_lookups_total', { result: 'hit' });
    const first = await call(`${gw}/posts/${postId}`, 'GET');
    const second = await call(`${gw}/posts/${postId}`, 'GET');
    expect(first.body).toEqual(created.body);
    expect(second.body).toEqual(created.body);
    expect(await metricValue(posts, 'posts_cache_lookups_total', { result: 'hit' })).toBe(hits + 1);
    const list = await call(`${gw}/posts?limit=5`, 'GET');
    expect(list.body.items[0].id).toBe(postId);
  });

  it('carries one trace id through gateway, comments and posts for a comment', async () => {
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const res = await call(`${gw}/comments`, 'POST', { token, json: { postId, body: 'traced' }, headers: { traceparent } });
    expect(res.status).toBe(201);
    const listed = await call(`${gw}/comments?postId=${postId}`, 'GET');
    expect(listed.body.items.map((c: { id: string }) => c.id)).toContain(res.body.id);
    // log lines are buffered (written within 100 ms): wait for each service's line
    for (const id of ['gateway', 'comments', 'posts']) {
      await vi.waitFor(() => {
        const lines = jsonLines(platform.logs[id]!).filter((l) => l.trace_id === traceId);
        expect(lines.length, `${id} logs a line with trace id ${traceId}`).toBeGreaterThan(0);
      }, { timeout: 5000 });
    }
  });

  it('answers bad input through the gateway with problems, never 500', async () => {
    const cases: [string, string, Parameters<typeof call>[2], number][] = [
      ['/posts', 'POST', { token, body: '{', headers: { 'content-type': 'application/json' } }, 400],
      ['/posts', 'POST', { json: { title: 't', body: 'b' } }, 401],
      ['/posts/00000000-0000-4000-8000-000000000000', 'GET', {}, 404],
      ['/comments', 'POST', { token, json: { postId: '00000000-0000-4000-8000-000000000000', body: 'x' } }, 404],
      ['/auth/register', 'POST', { json: { username: 'platform-user', password: 'another-one' } }, 409],
      ['/posts', 'POST', { token, body: 'x', headers: { 'content-type': 'text/plain' } }, 415],
      ['/nothing', 'GET', {}, 404],
    ];
    for (const [p, method, options, status] of cases) {
      const res = await call(`${gw}${p}`, method, options);
      expect(res.status, `${method} ${p}`).toBe(status);
      expect(res.headers.get('content-type'), `${method} ${p}`).toContain('application/problem+json');
    }
  });

  it('logout and account deletion: the token is refused for writes by every service at once', async () => {
    expect((await call(`${gw}/auth/register`, 'POST', { json: { username: 'platform-leaver', password: canaries.password } })).status).toBe(201);
    const login = async (): Promise<string> =>
      (await call(`${gw}/auth/login`, 'POST', { json: { username: 'platform-leaver', password: canaries.password } })).body.token as string;
    const [a, b] = [await login(), await login()];
    const writes = (t: string): Promise<number[]> =>
      Promise.all([
        call(`${gw}/posts`, 'POST', { token: t, json: { title: 'after', body: 'b' } }).then((r) => r.status),
        call(`${gw}/comments`, 'POST', { token: t, json: { postId, body: 'after' } }).then((r) => r.status),
        call(`${gw}/images`, 'POST', { token: t, body: 'x', headers: { 'content-type': 'image/png' } }).then((r) => r.status),
      ]);
    expect(await writes(a)).toEqual([201, 201, 415]); // accepted, up to the image check
    expect((await call(`${gw}/auth/logout`, 'POST', { token: a })).status).toBe(204);
    expect(await writes(a)).toEqual([401, 401, 401]);
    expect((await writes(b))[0]).toBe(201);
    expect((await call(`${gw}/auth/me`, 'DELETE', { token: b })).status).toBe(204);
    expect(await writes(b)).toEqual([401, 401, 401]);
  });

  it('answers comment creation with a 503 within 50 ms once the breaker to posts is open, and recovers', async () => {
    expect(await platform.kill('posts')).toBe(0);
    const downIds: string[] = [];
    const comment = (): Promise<Awaited<ReturnType<typeof call>>> => {
      const id = `down-${randomBytes(4).toString('hex')}`;
      downIds.push(id);
      return call(`${gw}/comments`, 'POST', { token, json: { postId, body: 'while down' }, headers: { 'x-request-id': id } });
    };
    // enough failed calls to reach the breaker's minimum volume
    for (let i = 0; i < 3; i++) {
      const results = await Promise.all(Array.from({ length: 10 }, comment));
      for (const r of results) {
        expect(r.status).toBe(503);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
        // comments already retried posts: the gateway must not retry comments (retry at one layer)
        expect(r.headers.get('x-podkit-no-retry')).toBe('upstream');
      }
    }
    // Before the breaker opened: comments' own retries of posts (backoff ≤ 100 + 200 ms) and no
    // retry at the gateway, which used to honour comments' `Retry-After: 1` twice (2.0–2.7 s).
    const completed = (id: string): Record<string, unknown> | undefined =>
      jsonLines(platform.logs.gateway!).find((l) => l.request_id === id && l.msg === 'request completed');
    await expect.poll(() => downIds.every((id) => completed(id) !== undefined), { timeout: 10_000 }).toBe(true);
    const before = downIds.map((id) => completed(id)!.durationMs as number).sort((a, b) => a - b);
    console.log(`gateway, comment creation with posts down, before the breaker opened: median ${before[before.length >> 1]} ms, max ${before.at(-1)} ms (${before.length} calls)`);
    expect(before.at(-1)).toBeLessThan(1000);
    // comments saw each comment once (its access lines reach its log within its own 100 ms
    // batching window, independently of the gateway's: wait for them as for the gateway's)
    const seenByComments = (): number => downIds.filter((id) => jsonLines(platform.logs.comments!).some((l) => l.request_id === id && l.msg === 'request completed')).length;
    await expect.poll(seenByComments, { timeout: 10_000 }).toBe(downIds.length);
    const linesPerId = downIds.map((id) => jsonLines(platform.logs.comments!).filter((l) => l.request_id === id && l.msg === 'request completed').length);
    expect(linesPerId.every((n) => n === 1)).toBe(true);
    const comments = platform.adminUrls.comments!;
    await expect.poll(() => metricValue(comments, 'http_client_breaker_state', { client: 'posts' }), { timeout: 10_000 }).toBe(2);
    const requestId = `breaker-${randomBytes(4).toString('hex')}`;
    const fast = await call(`${gw}/comments`, 'POST', { token, json: { postId, body: 'while open' }, headers: { 'x-request-id': requestId } });
    expect(fast.status).toBe(503);
    expect(fast.body).toMatchObject({ status: 503 });
    // the interval that matters: from the gateway receiving the request to its answer (measured by
    // the gateway's own access log, so a busy test process does not count)
    await expect.poll(() => jsonLines(platform.logs.gateway!).find((l) => l.request_id === requestId && l.msg === 'request completed'), { timeout: 10_000 }).toBeDefined();
    const line = jsonLines(platform.logs.gateway!).find((l) => l.request_id === requestId && l.msg === 'request completed')!;
    expect(line.status).toBe(503);
    console.log(`gateway, comment creation with posts down, breaker open: ${String(line.durationMs)} ms`);
    expect(line.durationMs as number).toBeLessThan(50);

    await platform.restart('posts');
    // PGlite in memory starts empty after a restart: comment on a post created now
    const again = await call(`${gw}/posts`, 'POST', { token, json: { title: 'after restart', body: 'b' } });
    expect(again.status).toBe(201);
    await expect
      .poll(async () => (await call(`${gw}/comments`, 'POST', { token, json: { postId: again.body.id, body: 'back' } })).status, { timeout: 30_000, interval: 250 })
      .toBe(201);
  }, 60_000);

  it('never writes a secret to a log line', () => {
    // logs of processes that have exited are complete; the rest are flushed line by line
    const all = Object.entries(platform.logs).flatMap(([id, lines]) => lines.map((l) => [id, l] as const));
    expect(all.length).toBeGreaterThan(50);
    const secrets = { ...canaries, token, pemBody };
    for (const [name, value] of Object.entries(secrets)) {
      const leak = all.find(([, line]) => line.includes(value));
      expect(leak, `${name} leaked into ${leak?.[0]}: ${leak?.[1].slice(0, 200)}`).toBeUndefined();
    }
    // the signing key was taken from the mounted Secret (no ephemeral key warning)
    expect(jsonLines(platform.logs.auth!).some((l) => String(l.msg).includes('loaded from the jwt-signing-key secret'))).toBe(true);
  });
});
