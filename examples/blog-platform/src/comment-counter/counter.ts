import type { Database } from '../shared/db/database.ts';
import type { CommentEvent } from '../comments/events.ts';

/**
 * Applies one comment event to the projection `post_comment_counts`, once: the event id goes into
 * `applied_comment_events` in the same transaction, so a redelivered event (at-least-once
 * publishing, a handler cut at the drain deadline, a crash before the ack) changes nothing.
 * Returns whether it changed the count.
 */
export async function applyCommentEvent(db: Database, event: CommentEvent): Promise<boolean> {
  return db.transaction(async (tx) => {
    const { rowCount } = await tx.query(`INSERT INTO applied_comment_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING`, [event.id]);
    if (rowCount === 0) return false;
    const delta = event.kind === 'comment.created' ? 1 : -1;
    await tx.query(
      `INSERT INTO post_comment_counts (post_id, comment_count) VALUES ($1, GREATEST($2, 0))
       ON CONFLICT (post_id) DO UPDATE SET comment_count = GREATEST(post_comment_counts.comment_count + $2, 0)`,
      [event.postId, delta],
    );
    return true;
  });
}
