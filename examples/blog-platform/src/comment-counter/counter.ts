import type { Database } from '../shared/db/database.ts';
import type { CommentEvent } from '../comments/events.ts';

/**
 * Applies one comment event to the projection `post_comment_counts`, once: the event id goes into
 * `applied_comment_events` in the same statement (one statement, one transaction), so a
 * redelivered event (at-least-once publishing, a handler cut at the drain deadline, a crash
 * before the ack) changes nothing. Returns whether it changed the count.
 */
export async function applyCommentEvent(db: Database, event: CommentEvent): Promise<boolean> {
  const delta = event.kind === 'comment.created' ? 1 : -1;
  // the count changes only when the event id was not applied yet (`applied` is empty otherwise)
  const { rows } = await db.query(
    `WITH applied AS (INSERT INTO applied_comment_events (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id)
     INSERT INTO post_comment_counts (post_id, comment_count) SELECT $2, GREATEST($3::integer, 0) FROM applied
     ON CONFLICT (post_id) DO UPDATE SET comment_count = GREATEST(post_comment_counts.comment_count + $3::integer, 0)
     RETURNING post_id`,
    [event.id, event.postId, delta],
  );
  return rows.length > 0;
}
