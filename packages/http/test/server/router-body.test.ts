// Edge cases of the router's JSON body path (issue 18, part 2): the single-chunk and callback fast
// paths, the cheap depth proof and its fallback, UTF-8, and the request context in the handler.
import { Agent, request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getRequestContext } from '@podkit/core';
import { createRouter, parseJsonSafely, reply, serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { createTestService } from './helpers/service.ts';

const LIMIT = 1024;
const DEPTH = 8;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  json: Record<string, unknown>;
  reusedSocket: boolean;
}

/** POSTs `parts` (written one by one; chunked unless `declare`), resolving the parsed answer. */
function post(port: number, parts: ReadonlyArray<string | Buffer>, options: { agent?: Agent; declare?: boolean; headers?: Record<string, string>; path?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const length = parts.reduce((n, p) => n + Buffer.byteLength(p), 0);
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.declare !== false) headers['content-length'] = String(length);
    const r = request({ host: '127.0.0.1', port, method: 'POST', path: options.path ?? '/echo', headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), reusedSocket: r.reusedSocket });
      });
    });
    r.on('error', reject);
    for (const p of parts) r.write(p);
    r.end();
  });
}

async function start(): Promise<{ port: number; agent: Agent }> {
  const t = createTestService('router-body-test');
  const router = createRouter({ bodyLimitBytes: LIMIT, maxJsonDepth: DEPTH })
    .post('/echo', { body: z.unknown() }, ({ body }) => reply(201, { body }))
    .post('/post', { body: z.object({ title: z.string().min(1), author: z.object({ name: z.string() }) }) }, ({ body }) => reply(201, body))
    .post('/context', { body: z.object({}) }, () => ({ requestId: getRequestContext()?.requestId ?? null }))
    .post('/thenable', { body: z.object({ n: z.number() }) }, ({ body }) => ({ then: (ok: (v: unknown) => void) => ok({ doubled: body.n * 2 }) }));
  const server: PodkitServer = await serve(t.service, router, { port: 0, host: '127.0.0.1' });
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  cleanups.push(() => server.close(), () => agent.destroy());
  return { port: server.port, agent };
}

/** A JSON text of exactly `bytes` bytes: `{"pad":"xxx…"}`. */
const sized = (bytes: number): string => JSON.stringify({ pad: 'x'.repeat(bytes - '{"pad":""}'.length) });

describe('router JSON body', () => {
  it('accepts a body exactly at the limit, declared and chunked', async () => {
    const { port } = await start();
    const text = sized(LIMIT);
    expect(Buffer.byteLength(text)).toBe(LIMIT);
    const declared = await post(port, [text]);
    expect(declared.status).toBe(201);
    expect(declared.json).toEqual({ body: JSON.parse(text) });
    const chunked = await post(port, [text.slice(0, 300), text.slice(300, 700), text.slice(700)], { declare: false });
    expect(chunked.status).toBe(201);
    expect(chunked.json).toEqual({ body: JSON.parse(text) });
  });

  it('413 one byte over the limit, keeping the keep-alive connection usable (declared and chunked)', async () => {
    const { port, agent } = await start();
    const over = sized(LIMIT + 1);
    const first = await post(port, [over], { agent });
    expect(first.status).toBe(413);
    expect(first.headers.connection).toBe('keep-alive');
    const second = await post(port, [over.slice(0, 600), over.slice(600)], { agent, declare: false });
    expect(second.status).toBe(413);
    expect(second.reusedSocket).toBe(true);
    expect(second.headers.connection).toBe('keep-alive');
    const third = await post(port, ['{"ok":true}'], { agent });
    expect(third).toMatchObject({ status: 201, reusedSocket: true, json: { body: { ok: true } } });
  });

  it('reassembles a body sent in several chunks with a declared length, a multi-byte character split across them', async () => {
    const { port } = await start();
    const bytes = Buffer.from('{"title":"café crème","author":{"name":"Zoë"}}');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "é"
    const res = await post(port, [bytes.subarray(0, cut), bytes.subarray(cut, cut + 5), bytes.subarray(cut + 5)], { path: '/post' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ title: 'café crème', author: { name: 'Zoë' } });
  });

  it('400 for invalid UTF-8 instead of replacing the bytes', async () => {
    const { port } = await start();
    const res = await post(port, [Buffer.from('{"title":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(res.status).toBe(400);
    expect(res.json.detail).toBe('request body is not valid UTF-8');
  });

  it('accepts a body holding U+FFFD itself (valid UTF-8), split across chunks', async () => {
    const { port } = await start();
    const bytes = Buffer.from('{"title":"a \uFFFD b","author":{"name":"x"}}');
    const cut = bytes.indexOf(0xef) + 1; // inside the three bytes of U+FFFD
    const res = await post(port, [bytes.subarray(0, cut), bytes.subarray(cut)], { path: '/post' });
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ title: 'a \uFFFD b', author: { name: 'x' } });
  });

  it('400 for invalid UTF-8 next to a genuine U+FFFD', async () => {
    const { port } = await start();
    const res = await post(port, [Buffer.from('{"title":"\uFFFD'), Buffer.from([0xc3]), Buffer.from('"}')]);
    expect(res.status).toBe(400);
    expect(res.json.detail).toBe('request body is not valid UTF-8');
  });

  it('empty bodies, declared (Content-Length: 0) or chunked, are no body: the schema says what is missing', async () => {
    const { port } = await start();
    const none = await post(port, [], { path: '/post' });
    expect(none.status).toBe(400);
    expect(none.json.errors).toEqual([expect.objectContaining({ in: 'body', path: '' })]);
    const chunked = await post(port, [], { path: '/post', declare: false, headers: { 'transfer-encoding': 'chunked' } });
    expect(chunked.status).toBe(400);
    expect(chunked.json.errors).toEqual([expect.objectContaining({ in: 'body', path: '' })]);
    expect((await post(port, [], { declare: false, headers: { 'transfer-encoding': 'chunked' } })).json).toEqual({});
  });

  it('names the failing field of a nested object', async () => {
    const { port } = await start();
    const res = await post(port, ['{"title":"t","author":{"name":7}}'], { path: '/post' });
    expect(res.status).toBe(400);
    expect(res.json.errors).toEqual([expect.objectContaining({ in: 'body', path: 'author.name' })]);
  });

  it('depth: the limit itself passes, one more level is refused, shallow bodies with many brackets pass', async () => {
    const { port } = await start();
    const nest = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);
    expect((await post(port, [nest(DEPTH)])).status).toBe(201);
    const deep = await post(port, [`{"a":${nest(DEPTH)}}`]);
    expect(deep.status).toBe(400);
    expect(deep.json.detail).toBe(`JSON body nests deeper than the limit of ${DEPTH} levels`);
    // More opening brackets than the limit (so the cheap proof fails) but shallow: the exact scan passes them.
    const wide = JSON.stringify({ items: Array.from({ length: 20 }, (_, i) => ({ i, tags: ['a'] })), text: '[[[[[[[[[[{{{{{{{{{{' });
    const res = await post(port, [wide]);
    expect(res.status).toBe(201);
    expect(res.json.body).toEqual(JSON.parse(wide));
  });

  it('400 for __proto__ and constructor.prototype at any depth, plain or escaped; such words in values pass', async () => {
    const { port } = await start();
    const refused = [
      '{"__proto__":{"admin":true}}',
      '{"a":{"__proto__":{"admin":true}}}',
      '{"a":[1,{"b":[{"__proto__":{}}]}]}',
      '{"a":{"b":{"c":{"d":{"e":{"__proto__":null}}}}}}',
      '[{"\\u005f\\u005fproto\\u005f\\u005f":{}}]',
      '{"a":{"constructor":{"prototype":{"admin":true}}}}',
      '{"a":[{"constructor":{"\\u0070rototype":{}}}]}',
    ];
    for (const text of refused) {
      const res = await post(port, [text]);
      expect(res.status, text).toBe(400);
      expect(String(res.json.detail), text).toMatch(/forbidden "(__proto__|constructor\.prototype)" key/);
    }
    const allowed = '{"text":"__proto__ and constructor.prototype","constructor":"a string","proto":1}';
    expect((await post(port, [allowed])).json).toEqual({ body: JSON.parse(allowed) });
  });

  it('runs the handler in the request context (request id, deadline) after the body was read', async () => {
    const { port } = await start();
    const res = await post(port, ['{}'], { path: '/context', headers: { 'x-request-id': 'ctx-1' } });
    expect(res).toMatchObject({ status: 200, json: { requestId: 'ctx-1' } });
  });

  it('awaits a thenable result', async () => {
    const { port } = await start();
    expect((await post(port, ['{"n":21}'], { path: '/thenable' })).json).toEqual({ doubled: 42 });
  });
});

describe('compiled schemas', () => {
  const Post = z.object({ title: z.string().min(1).max(5), tags: z.array(z.string()).max(2), extra: z.string().default('d') });
  async function startWith(compileSchemas: boolean): Promise<number> {
    const router = createRouter({ compileSchemas }).post('/p', { body: Post }, ({ body }) => reply(201, body));
    const t = createTestService('router-compile-test');
    const server = await serve(t.service, router, { port: 0, host: '127.0.0.1' });
    cleanups.push(() => server.close());
    return server.port;
  }

  it('answers exactly as zod\'s runtime parser: output (defaults, unknown keys stripped) and the problem naming each field', async () => {
    const compiled = await startWith(true);
    const runtime = await startWith(false);
    const bodies = ['{"title":"ok","tags":["a"],"unknown":1}', '{"title":"","tags":["a","b","c"]}', '{"title":"too long","tags":[1]}', '[]', 'null'];
    for (const text of bodies) {
      const a = await post(compiled, [text], { path: '/p' });
      const b = await post(runtime, [text], { path: '/p' });
      expect({ status: a.status, json: a.json }, text).toEqual({ status: b.status, json: b.json });
    }
    const ok = await post(compiled, [bodies[0]!], { path: '/p' });
    expect(ok.json).toEqual({ title: 'ok', tags: ['a'], extra: 'd' });
    const bad = await post(compiled, [bodies[1]!], { path: '/p' });
    expect(bad.json.errors).toEqual([expect.objectContaining({ in: 'body', path: 'title' }), expect.objectContaining({ in: 'body', path: 'tags' })]);
  });
});

describe('parseJsonSafely', () => {
  it('checks depth exactly whether or not the cheap proof applies', () => {
    expect(parseJsonSafely('[[1]]', 2)).toEqual([[1]]);
    expect(() => parseJsonSafely('[[[1]]]', 2)).toThrow(/deeper than the limit of 2/);
    expect(parseJsonSafely('[[],[],[],[]]', 2)).toEqual([[], [], [], []]); // 5 openings > 2, depth 2
    expect(parseJsonSafely('["[[[[", "{{{{"]', 2)).toEqual(['[[[[', '{{{{']); // brackets in strings do not nest
    expect(() => parseJsonSafely('[["\\"", [1]]]', 2)).toThrow(/deeper/); // an escaped quote does not end the string
  });
});
