import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, ConsumerService } from '@podkit/consumers';
import type { Database } from '../shared/db/database.ts';
import { applyCommentEvent } from './counter.ts';
import type { CommentEvents } from './transport.ts';

/**
 * Starts the comment-counter consumer: each comment event updates the post's comment count
 * (`GET /api/comments/count?postId=`), once per event id. Acked after the count committed;
 * drained on SIGTERM by the service's lifecycle.
 */
export function startCommentCounter(service: ConsumerService, o: { readonly db: Database; readonly events: CommentEvents; readonly prefetch: number; readonly applyDelayMs?: number }): Promise<Consumer> {
  const delay = o.applyDelayMs ?? 0;
  return o.events.consume(
    service,
    async (event, { signal }) => {
      // test-only slowness (events.applyDelay); aborted with the handler at the drain deadline
      if (delay > 0) await sleep(delay, undefined, { signal });
      await applyCommentEvent(o.db, event);
    },
    { prefetch: o.prefetch },
  );
}
