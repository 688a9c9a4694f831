import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InvalidResponseError } from '../../src/index.ts';
import { client, upstream, useCleanup } from './helpers/scope.ts';
import { json } from './helpers/upstream.ts';

useCleanup();

const Page = z.object({ items: z.array(z.object({ id: z.string(), title: z.string() })), nextCursor: z.string().nullable() });

describe('JSON helpers', () => {
  it('returns the parsed, typed value', async () => {
    const u = await upstream();
    u.keepRequests = true;
    u.handler = (_req, res) => json(res, 200, { items: [{ id: '1', title: 't' }], nextCursor: null });
    const c = client({ name: 'up', baseUrl: `${u.url}/api` });
    const page = await c.json(Page, { path: '/posts', query: { limit: 10, cursor: undefined } });
    expect(page.items[0]?.title).toBe('t');
    expect(u.requests[0]?.url).toBe('/api/posts?limit=10');
    expect(u.requests[0]?.headers.accept).toBe('application/json');
  });

  it('names the path of the first mismatch', async () => {
    const u = await upstream();
    u.handler = (_req, res) => json(res, 200, { items: [{ id: '1', title: 't' }, { id: '2', title: 7 }], nextCursor: null });
    const c = client({ name: 'up', baseUrl: u.url });
    const err = await c.json(Page, { path: '/posts' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidResponseError);
    expect((err as InvalidResponseError).path).toBe('items[1].title');
    expect((err as InvalidResponseError).message).toContain('items[1].title');
  });

  it('rejects malformed JSON with a typed error', async () => {
    const u = await upstream();
    u.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"items": [');
    };
    const c = client({ name: 'up', baseUrl: u.url });
    await expect(c.json(Page, { path: '/posts' })).rejects.toMatchObject({ code: 'ERR_PODKIT_HTTP_INVALID_RESPONSE', path: '' });
    await expect((await c.get('/posts')).json()).rejects.toBeInstanceOf(InvalidResponseError);
  });

  it('sends a JSON body', async () => {
    const u = await upstream();
    let received = '';
    u.handler = (req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (body += c));
      req.on('end', () => {
        received = `${req.headers['content-type']} ${body}`;
        json(res, 201, { ok: true });
      });
    };
    const c = client({ name: 'up', baseUrl: u.url });
    const res = await c.post('/posts', { json: { title: 'hi' } });
    expect(res.status).toBe(201);
    await res.dump();
    expect(received).toBe('application/json {"title":"hi"}');
  });
});
