import type { Consumer, ConsumerService } from '@podkit/consumers';
import type { Database } from '../shared/db/database.ts';
import { applyCommentEvent } from './counter.ts';
import type { CommentEvents } from './transport.ts';

/**
 * Starts the comment-counter consumer: each comment event updates the post's comment count
 * (`GET /api/comments/count?postId=`), once per event id. Acked after the count committed;
 * drained on SIGTERM by the service's lifecycle.
 */
export function startCommentCounter(service: ConsumerService, o: { readonly db: Database; readonly events: CommentEvents; readonly prefetch: number }): Promise<Consumer> {
  return o.events.consume(
    service,
    async (event) => {
      await applyCommentEvent(o.db, event);
    },
    { prefetch: o.prefetch },
  );
}
