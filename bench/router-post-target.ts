// Child process of bench/router-post.bench.ts: one server variant answering POST /posts (a 1 KiB
// JSON body, validated, 201 JSON) on a free port, pinned to a core by the parent. Prints the port
// on stdout; answers 'cpu' IPC messages with its CPU time. Run with --conditions=@podkit/source.
// BENCH_SERVE_OPTIONS='{"accessLog":false}' adds serve() options to the podkit and serve-bare
// variants (to split serve()'s share; e.g. callgrind counts the load shedder's 10 ms timers many
// times over, the server running ~50× slower under valgrind).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { createRouter, reply, serve } from '@podkit/http';
import type { ServeService } from '@podkit/http';
import { benchService, listenPlain as listen, podkitDevNull, reportReady } from './lib/target-child.ts';

const variant = process.argv[2] ?? 'bare';

/** What every variant answers: the post's id and title (a realistic 201 body). */
interface Created {
  readonly id: string;
  readonly title: string;
  readonly tags: readonly string[];
}
const ID = '3f1c9a2e-7b4d-4e8a-9c1f-5d6e7f8a9b0c';
const created = (post: { title: string; tags: string[] }): Created => ({ id: ID, title: post.title, tags: post.tags });

/** bare node:http: reads the body, JSON.parse, checks the fields by hand, replies 201 JSON. */
function bare(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    const b = body as Record<string, unknown> | undefined;
    const author = b?.author as Record<string, unknown> | undefined;
    const ok =
      b !== undefined && b !== null && typeof b === 'object' &&
      typeof b.title === 'string' && b.title.length >= 1 && b.title.length <= 200 &&
      typeof b.body === 'string' && b.body.length <= 10_000 &&
      Array.isArray(b.tags) && b.tags.length <= 10 && b.tags.every((t) => typeof t === 'string' && t.length <= 40) &&
      author !== null && typeof author === 'object' && typeof author.id === 'string' && typeof author.name === 'string' &&
      (author.email === undefined || typeof author.email === 'string');
    if (!ok) {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid"}');
      return;
    }
    const text = JSON.stringify(created(b as { title: string; tags: string[] }));
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
  });
}

/** The router's schema, as the example's posts service writes it. */
const NewPost = z.object({
  title: z.string().min(1).max(200),
  body: z.string().max(10_000),
  tags: z.array(z.string().max(40)).max(10),
  author: z.object({ id: z.string(), name: z.string(), email: z.string().optional() }),
});

const podkitService = (): ServeService => benchService(podkitDevNull());

/** Extra serve() options for the podkit and serve-bare variants, to split serve()'s share (none in the bench). */
const extraServeOptions = JSON.parse(process.env.BENCH_SERVE_OPTIONS ?? '{}') as object;

function podkitRouter() {
  return createRouter().post('/posts', { body: NewPost }, ({ body }) => reply(201, created(body)));
}

async function start(): Promise<number> {
  switch (variant) {
    case 'bare':
      return listen(bare);
    case 'serve-bare': // the bare handler under serve() with podkit's defaults: serve()'s own share
      return (await serve(podkitService(), bare, { port: 0, host: '127.0.0.1', ...extraServeOptions })).port;
    case 'router': // the router alone on node:http (no serve()): the body path's own cost
      return listen(podkitRouter().listener);
    case 'podkit': // serve() with podkit's defaults (metrics, request id, trace context, access log)
      return (await serve(podkitService(), podkitRouter(), { port: 0, host: '127.0.0.1', ...extraServeOptions })).port;
    case 'podkit-nolog': // as podkit, access log off
      return (await serve(podkitService(), podkitRouter(), { port: 0, host: '127.0.0.1', accessLog: false })).port;
    case 'fastify': {
      const { default: Fastify } = await import('fastify');
      const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
      app.post(
        '/posts',
        {
          schema: {
            body: {
              type: 'object',
              required: ['title', 'body', 'tags', 'author'],
              properties: {
                title: { type: 'string', minLength: 1, maxLength: 200 },
                body: { type: 'string', maxLength: 10_000 },
                tags: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 40 } },
                author: {
                  type: 'object',
                  required: ['id', 'name'],
                  properties: { id: { type: 'string' }, name: { type: 'string' }, email: { type: 'string' } },
                },
              },
            },
            response: {
              201: {
                type: 'object',
                properties: { id: { type: 'string' }, title: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } } },
              },
            },
          },
        },
        async (request, res) => {
          void res.code(201);
          return created(request.body as { title: string; tags: string[] });
        },
      );
      await app.listen({ port: 0, host: '127.0.0.1' });
      return (app.server.address() as AddressInfo).port;
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

reportReady(await start()); // answers 'cpu' over IPC, exits on SIGTERM (so --cpu-prof writes its profile), prints the port
