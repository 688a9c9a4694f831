import type { Logger } from '@podkit/core';
import { createRouter, reply, type Router } from '@podkit/http';
import { z } from 'zod';
import type { Authenticate } from '../shared/http/authenticate.ts';
import { problems } from '../shared/http/problems.ts';
import { cursorFrom, idempotencyKey, idempotencyProblem, idParams, pageQuery, text } from '../shared/http/schemas.ts';
import type { PostExists } from './post-lookup.ts';
import type { CommentStore } from './store.ts';

/** What the comments routes need. */
export interface CommentsRoutesDeps {
  readonly store: CommentStore;
  readonly postExists: PostExists;
  readonly authenticate: Authenticate;
  readonly logger: Logger;
  /** Called after a comment was created or deleted (kicks the outbox relay). @default none */
  readonly onChange?: () => void;
}

const NewComment = z.strictObject({ postId: z.uuid(), body: text().trim().min(1).max(5_000) });
const ListQuery = z.object({ postId: z.uuid(), ...pageQuery });
const CountQuery = z.object({ postId: z.uuid() });
/** Most posts one counts request may name: a page of the post list is 10. */
export const MAX_COUNTED_POSTS = 50;
const CountsQuery = z.object({
  postIds: z
    .string()
    .transform((list) => [...new Set(list.split(','))])
    .pipe(z.array(z.uuid()).min(1).max(MAX_COUNTED_POSTS)),
});

/** The comments API (paths as the gateway exposes them: `/api/comments/...`). */
export function commentsRoutes(deps: CommentsRoutesDeps): Router {
  const { store, postExists, authenticate, logger } = deps;
  return createRouter({ bodyLimitBytes: 16 * 1024 })
    .get('/api/comments', { query: ListQuery }, async ({ query }) => store.listByPost(query.postId, query.limit, cursorFrom(query.cursor)))
    // projected by the comment-counter worker from the comment events: eventually consistent
    .get('/api/comments/count', { query: CountQuery }, async ({ query }) => ({ postId: query.postId, commentCount: await store.commentCount(query.postId) }))
    // the same for a page of the post list at once: `?postIds=<uuid>,<uuid>,...` (at most 50)
    .get('/api/comments/counts', { query: CountsQuery }, async ({ query }) => ({ counts: await store.commentCounts(query.postIds) }))
    .post('/api/comments', { body: NewComment }, async ({ body, req }) => {
      const me = await authenticate(req);
      if (!(await postExists(body.postId))) throw problems.notFound(`post ${body.postId} does not exist`);
      const comment = await store
        .create({ postId: body.postId, authorId: me.userId, authorName: me.displayName, body: body.body, idempotencyKey: idempotencyKey(req.headers) })
        .catch(idempotencyProblem);
      logger.info({ commentId: comment.id, postId: comment.postId }, 'comment created');
      deps.onChange?.();
      return reply(201, comment);
    })
    .delete('/api/comments/:id', { params: idParams }, async ({ params, req }) => {
      const me = await authenticate(req);
      const comment = await store.get(params.id);
      if (comment === undefined) throw problems.notFound(`comment ${params.id} does not exist`);
      if (comment.authorId !== me.userId) throw problems.forbidden('only the author may delete this comment');
      await store.delete(params.id);
      deps.onChange?.();
      return undefined;
    });
}
