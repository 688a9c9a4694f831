/**
 * Hostile input to every route of every service, sent to each service directly and through the
 * gateway, on PGlite + memory and (when DATABASE_URL/REDIS_URL are set) PostgreSQL + Redis:
 * strings with NUL and lone surrogates, over-long values, wrong types, huge numbers, broken
 * JSON, bad cursors, bad ids, bad tokens and idempotency keys. No response may be >= 500, every
 * error is an RFC 9457 problem, and no body carries a stack trace. Prints the counts by status.
 */
import { request, Agent } from 'node:http';
import { createClient, type HttpClient } from '@podkit/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthApp } from '../../src/auth/app.ts';
import { loadSigningKey } from '../../src/auth/signing-key.ts';
import { createCommentsApp } from '../../src/comments/app.ts';
import { createPostLookup } from '../../src/comments/post-lookup.ts';
import { createGatewayListener, UPSTREAMS, type UpstreamName } from '../../src/gateway/app.ts';
import { createImagesApp } from '../../src/images/app.ts';
import { createPostsApp } from '../../src/posts/app.ts';
import { authVerifier } from '../../src/shared/auth/jwks-client.ts';
import { backends } from '../helpers/backends.ts';
import { listen, quietLogger, type TestServer } from '../helpers/http.ts';
import { makeImage, testSettings } from '../images/helpers.ts';
import { BAD_AUTHORIZATIONS, BAD_CURSORS, BAD_IDEMPOTENCY_KEYS, BAD_IDS, BAD_LIMITS, RAW_BODIES, VALUES } from './inputs.ts';

/** One request of the fuzz run. */
interface Case {
  readonly service: UpstreamName;
  readonly method: string;
  /** Raw path and query, exactly as sent. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

function send(base: string, c: Case, token: string | undefined, n: number): Promise<Answer> {
  const url = new URL(base);
  // every request its own client address (a trusted proxy's X-Forwarded-For): login limits stay out of the way
  const headers: Record<string, string> = { 'x-forwarded-for': `198.18.${(n >> 8) & 255}.${n & 255}`, ...c.headers };
  if (token !== undefined && headers.authorization === undefined) headers.authorization = `Bearer ${token}`;
  if (c.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(c.body));
  }
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: c.method, path: c.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

/** Every route of every service with hostile variants of each part it reads. */
function cases(ids: { post: string; comment: string; image: string }): { c: Case; auth: 'valid' | 'none' }[] {
  const out: { c: Case; auth: 'valid' | 'none' }[] = [];
  const add = (c: Case, auth: 'valid' | 'none' = 'valid'): void => void out.push({ c, auth });
  const json = (v: unknown): string => JSON.stringify(v);
  const bodies = (base: Record<string, unknown>): string[] => [
    ...Object.keys(base).flatMap((field) => VALUES.map((v) => json({ ...base, [field]: v }))),
    json({ ...base, extra: true }),
  ];
  const routesWithBody: [UpstreamName, string, string, Record<string, unknown>][] = [
    ['auth', 'POST', '/api/auth/register', { username: 'fuzz_user', password: 'long-enough-1', displayName: 'Fuzz' }],
    ['auth', 'POST', '/api/auth/login', { username: 'fuzzer', password: 'wrong-password' }],
    ['posts', 'POST', '/api/posts', { title: 't', body: 'b', imageIds: [] }],
    ['posts', 'PATCH', `/api/posts/${ids.post}`, { title: 't', body: 'b', imageIds: [] }],
    ['comments', 'POST', '/api/comments', { postId: ids.post, body: 'b' }],
  ];
  for (const [service, method, path, base] of routesWithBody) {
    for (const body of bodies(base)) add({ service, method, path, body });
    for (const body of RAW_BODIES) add({ service, method, path, body });
    add({ service, method, path, body: json(base), headers: { 'content-type': 'text/plain' } });
    add({ service, method, path, body: json(base), headers: { 'content-type': 'application/json; charset=utf-16' } });
    for (const authorization of BAD_AUTHORIZATIONS) add({ service, method, path, body: json(base), headers: { authorization } });
    for (const key of BAD_IDEMPOTENCY_KEYS) add({ service, method, path, body: json(base), headers: { 'idempotency-key': key } });
  }
  // ids in paths
  for (const id of BAD_IDS) {
    add({ service: 'posts', method: 'GET', path: `/api/posts/${id}` });
    add({ service: 'posts', method: 'PATCH', path: `/api/posts/${id}`, body: json({ title: 't' }) });
    add({ service: 'posts', method: 'DELETE', path: `/api/posts/${id}` });
    add({ service: 'comments', method: 'DELETE', path: `/api/comments/${id}` });
    for (const suffix of ['', '/display', '/thumbnail']) add({ service: 'images', method: 'GET', path: `/api/images/${id}${suffix}` });
    add({ service: 'auth', method: 'GET', path: `/api/auth/${id}` });
  }
  // lists: limit, cursor, postId, repeated and bracketed parameters
  const lists: [UpstreamName, string][] = [
    ['posts', '/api/posts?'],
    ['comments', `/api/comments?postId=${ids.post}&`],
  ];
  for (const [service, prefix] of lists) {
    for (const limit of BAD_LIMITS) add({ service, method: 'GET', path: `${prefix}limit=${encodeURIComponent(limit)}` });
    for (const cursor of BAD_CURSORS) add({ service, method: 'GET', path: `${prefix}cursor=${cursor}` });
    for (const q of ['limit=1&limit=2', 'cursor=a&cursor=b', 'limit[]=1', 'cursor[a]=b', '%00=1', 'limit=%ZZ']) add({ service, method: 'GET', path: `${prefix}${q}` });
  }
  for (const postId of [...BAD_IDS, '']) add({ service: 'comments', method: 'GET', path: `/api/comments?postId=${postId}` });
  for (const postId of [...BAD_IDS, '']) add({ service: 'comments', method: 'GET', path: `/api/comments/count?postId=${postId}` });
  for (const postIds of [...BAD_IDS, '', `${ids.post},${BAD_IDS[0]!}`, Array(60).fill(ids.post).join(','), `${ids.post}&postIds=${ids.post}`]) {
    add({ service: 'comments', method: 'GET', path: `/api/comments/counts?postIds=${postIds}` });
  }
  add({ service: 'comments', method: 'GET', path: '/api/comments?postId=a&postId=b' });
  // image uploads: wrong types, bytes that are not the declared image, empty, too large
  for (const [type, body] of [
    ['image/png', Buffer.from('not an image')],
    ['image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])],
    ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16])],
    ['image/webp', Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 ')],
    ['image/svg+xml', Buffer.from('<svg/>')],
    ['image/png; charset=x', Buffer.from('x')],
    ['multipart/form-data; boundary=x', Buffer.from('--x--')],
    ['image/png', Buffer.alloc(0)],
    ['image/png', Buffer.alloc(2 * 1024 * 1024, 1)],
  ] as const) {
    add({ service: 'images', method: 'POST', path: '/api/images', body, headers: { 'content-type': type } });
  }
  for (const authorization of BAD_AUTHORIZATIONS) {
    add({ service: 'images', method: 'POST', path: '/api/images', body: Buffer.from('x'), headers: { 'content-type': 'image/png', authorization } });
  }
  // the routes without input, and unknown methods and paths
  for (const [service, method, path] of [
    ['auth', 'GET', '/api/auth/me'],
    ['auth', 'GET', '/api/auth/.well-known/jwks.json'],
    ['auth', 'GET', '/api/auth/revocations'],
    ['posts', 'GET', `/api/posts/${ids.post}`],
    ['posts', 'GET', `/api/posts/${ids.post.toUpperCase()}`],
    ['images', 'GET', `/api/images/${ids.image}`],
    ['images', 'GET', `/api/images/${ids.image}/display`],
    ['posts', 'PUT', '/api/posts'],
    ['comments', 'PATCH', `/api/comments/${ids.comment}`],
    ['auth', 'TRACE', '/api/auth/login'],
    ['posts', 'GET', '/api/posts/a/b/c'],
    ['comments', 'GET', '/api/comments/%00'],
  ] as const) {
    add({ service, method, path });
    add({ service, method, path }, 'none');
  }
  for (const authorization of BAD_AUTHORIZATIONS) {
    add({ service: 'auth', method: 'GET', path: '/api/auth/me', headers: { authorization } });
    add({ service: 'auth', method: 'POST', path: '/api/auth/logout', headers: { authorization } });
    add({ service: 'auth', method: 'DELETE', path: '/api/auth/me', headers: { authorization } });
    add({ service: 'posts', method: 'DELETE', path: `/api/posts/${ids.post}`, headers: { authorization } });
    add({ service: 'comments', method: 'DELETE', path: `/api/comments/${ids.comment}`, headers: { authorization } });
  }
  // last, with the valid token: the deletes (the ids above stay valid until here)
  add({ service: 'comments', method: 'DELETE', path: `/api/comments/${ids.comment}` });
  add({ service: 'posts', method: 'DELETE', path: `/api/posts/${ids.post}` });
  return out;
}

describe.each(backends())('API fuzz on $name', (backend) => {
  const servers: TestServer[] = [];
  const clients: HttpClient[] = [];
  const direct = {} as Record<UpstreamName, string>;
  let gateway: string;
  let fuzzUser = 0;

  beforeAll(async () => {
    const key = await loadSigningKey(undefined);
    const logger = quietLogger();
    const client = (name: string, baseUrl: string): HttpClient => {
      const c = createClient({ name, baseUrl, breaker: { minimumVolume: 1_000_000 } });
      clients.push(c);
      return c;
    };
    const auth = await createAuthApp({
      db: await backend.openDatabase('auth'),
      cache: await backend.openCache(),
      key,
      logger,
      tokenTtlSeconds: 600,
      limits: { perAccount: 5, perAddress: 20, windowSeconds: 60 },
      registrationLimits: { perAddress: 1_000, windowSeconds: 60 },
    });
    servers.push(await listen(auth.router.listener));
    direct.auth = servers.at(-1)!.url;
    const posts = await createPostsApp({
      db: await backend.openDatabase('posts'),
      cache: await backend.openCache(),
      verifier: authVerifier(client('auth', direct.auth)),
      logger,
      cacheTtlSeconds: 60,
    });
    servers.push(await listen(posts.router.listener));
    direct.posts = servers.at(-1)!.url;
    const comments = await createCommentsApp({
      db: await backend.openDatabase('comments'),
      verifier: authVerifier(client('auth', direct.auth)),
      postExists: createPostLookup(client('posts', direct.posts)),
      logger,
    });
    servers.push(await listen(comments.router.listener));
    direct.comments = servers.at(-1)!.url;
    const images = await createImagesApp({
      db: await backend.openDatabase('images'),
      verifier: authVerifier(client('auth', direct.auth)),
      logger,
      settings: testSettings({ worker: false }),
    });
    servers.push(await listen(images.router.listener));
    direct.images = servers.at(-1)!.url;
    const upstreams = Object.fromEntries(UPSTREAMS.map((name) => [name, client(name, direct[name])])) as Record<UpstreamName, HttpClient>;
    servers.push(await listen(createGatewayListener({ clients: upstreams, logger })));
    gateway = servers.at(-1)!.url;
  }, 180_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await Promise.all(clients.map((c) => c.close()));
    await backend.cleanup();
  });

  /** A fresh user with a post, a comment and an image to aim at; its token. */
  async function fixture(base: (s: UpstreamName) => string): Promise<{ token: string; ids: { post: string; comment: string; image: string } }> {
    const username = `fuzzer${fuzzUser++}`;
    const post = async (url: string, body: string | Buffer, headers: Record<string, string>): Promise<Record<string, string>> => {
      const res = await fetch(url, { method: 'POST', body, headers });
      expect(res.status, `${url}: ${await res.clone().text()}`).toBeLessThan(300);
      return (await res.json()) as Record<string, string>;
    };
    const jsonHeaders = { 'content-type': 'application/json' };
    await post(`${base('auth')}/api/auth/register`, JSON.stringify({ username, password: 'right-password' }), jsonHeaders);
    const { token } = await post(`${base('auth')}/api/auth/login`, JSON.stringify({ username, password: 'right-password' }), jsonHeaders);
    const authed = { ...jsonHeaders, authorization: `Bearer ${token!}` };
    const p = await post(`${base('posts')}/api/posts`, JSON.stringify({ title: 'target', body: 'b' }), authed);
    const c = await post(`${base('comments')}/api/comments`, JSON.stringify({ postId: p.id, body: 'c' }), authed);
    const i = await post(`${base('images')}/api/images`, await makeImage('png', 16, 16), { 'content-type': 'image/png', authorization: `Bearer ${token!}` });
    return { token: token!, ids: { post: p.id!, comment: c.id!, image: i.id! } };
  }

  it.each(['direct', 'gateway'] as const)('every route %s: 0 responses >= 500, every error a problem, no stack traces', async (via) => {
    const base = (s: UpstreamName): string => (via === 'direct' ? direct[s] : gateway);
    const { token, ids } = await fixture(base);
    const all = cases(ids);
    const byStatus = new Map<number, number>();
    const failures: string[] = [];
    let n = 0;
    const queue = [...all];
    async function worker(): Promise<void> {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
        const { c, auth } = item;
        const answer = await send(base(c.service), c, auth === 'valid' ? token : undefined, n++);
        byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
        const what = `${c.method} ${c.path.slice(0, 120)} ${c.body === undefined ? '' : String(c.body).slice(0, 120)} → ${answer.status} ${answer.body.slice(0, 200)}`;
        if (answer.status >= 500) failures.push(what);
        else if (answer.status >= 400 && !answer.contentType.startsWith('application/problem+json')) failures.push(`not a problem: ${what}`);
        if (/\n\s+at /.test(answer.body)) failures.push(`stack trace: ${what}`);
      }
    }
    // sequential per worker: with a valid token first (order matters only for the final deletes)
    const tail = queue.splice(-2);
    await Promise.all(Array.from({ length: 6 }, worker));
    queue.push(...tail);
    await worker();
    const counts = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([s, k]) => `${s}×${k}`).join(' ');
    console.info(`fuzz ${backend.name} ${via}: ${all.length} requests, ${failures.length} failures; ${counts}`);
    expect(failures).toEqual([]);
    expect([...byStatus.keys()].filter((s) => s >= 500)).toEqual([]);
  }, 300_000);
});
