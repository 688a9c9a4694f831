import type { Logger } from '@podkit/core';
import { createRouter, reply, type Router } from '@podkit/http';
import { z } from 'zod';
import type { Authenticate } from '../shared/http/authenticate.ts';
import { problems } from '../shared/http/problems.ts';
import { cursorFrom, idempotencyKey, idempotencyProblem, idParams, pageQuery, text } from '../shared/http/schemas.ts';
import type { CachedPosts } from './cached-posts.ts';
import type { PostStore } from './store.ts';

/** What the posts routes need. */
export interface PostsRoutesDeps {
  readonly store: PostStore;
  readonly cached: CachedPosts;
  readonly authenticate: Authenticate;
  readonly logger: Logger;
}

const imageIds = z.array(z.uuid()).max(10);
const NewPost = z.strictObject({
  title: text().trim().min(1).max(200),
  body: text().min(1).max(20_000),
  imageIds: imageIds.optional(),
});
const PostPatch = z
  .strictObject({ title: NewPost.shape.title.optional(), body: NewPost.shape.body.optional(), imageIds: imageIds.optional() })
  .refine((p) => p.title !== undefined || p.body !== undefined || p.imageIds !== undefined, 'expected at least one of title, body, imageIds');

/** The posts API (paths as the gateway exposes them: `/api/posts/...`). */
export function postsRoutes(deps: PostsRoutesDeps): Router {
  const { store, cached, authenticate, logger } = deps;

  async function ownPost(id: string, userId: string): Promise<void> {
    const post = await store.get(id);
    if (post === undefined) throw problems.notFound(`post ${id} does not exist`);
    if (post.authorId !== userId) throw problems.forbidden('only the author may change this post');
  }

  return createRouter({ bodyLimitBytes: 64 * 1024 })
    .get('/api/posts', { query: z.object(pageQuery) }, async ({ query }) => store.list(query.limit, cursorFrom(query.cursor)))
    .post('/api/posts', { body: NewPost }, async ({ body, req }) => {
      const me = await authenticate(req);
      const post = await store
        .create({ authorId: me.userId, authorName: me.displayName, title: body.title, body: body.body, imageIds: body.imageIds ?? [], idempotencyKey: idempotencyKey(req.headers) })
        .catch(idempotencyProblem);
      logger.info({ postId: post.id }, 'post created');
      return reply(201, post, { location: `/api/posts/${post.id}` });
    })
    .get('/api/posts/:id', { params: idParams }, async ({ params, res }) => {
      const json = await cached.getJson(params.id);
      if (json === undefined) throw problems.notFound(`post ${params.id} does not exist`);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
      res.end(json);
    })
    .patch('/api/posts/:id', { params: idParams, body: PostPatch }, async ({ params, body, req }) => {
      const me = await authenticate(req);
      await ownPost(params.id, me.userId);
      const post = await store.update(params.id, body);
      await cached.invalidate(params.id);
      if (post === undefined) throw problems.notFound(`post ${params.id} does not exist`);
      return post;
    })
    .delete('/api/posts/:id', { params: idParams }, async ({ params, req }) => {
      const me = await authenticate(req);
      await ownPost(params.id, me.userId);
      await store.delete(params.id);
      await cached.invalidate(params.id);
      logger.info({ postId: params.id }, 'post deleted');
      return undefined;
    });
}
