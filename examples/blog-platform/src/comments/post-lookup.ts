import { isPodkitHttpError, type HttpClient } from '@podkit/http';
import { problems } from '../shared/http/problems.ts';

/** Checks that a post exists, through the posts service. */
export type PostExists = (postId: string) => Promise<boolean>;

/**
 * Asks posts for `GET /api/posts/:id` through a podkit client (a GET: retried when safe, behind
 * the per-upstream breaker). 200 → true, 404 → false; an open breaker, a timeout, a refused
 * connection or a 5xx becomes a 503 problem at once: the caller learns that posts is down,
 * not that its comment was wrong.
 */
export function createPostLookup(posts: HttpClient): PostExists {
  return async (postId) => {
    try {
      const res = await posts.request({ method: 'GET', path: `/api/posts/${encodeURIComponent(postId)}` });
      await res.dump();
      return true;
    } catch (err) {
      if (isPodkitHttpError(err) && (err as { status?: number }).status === 404) return false;
      throw problems.unavailable('the posts service is unavailable; try again shortly');
    }
  };
}
