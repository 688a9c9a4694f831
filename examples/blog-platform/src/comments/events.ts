/** What happened to a comment: the message the comments service publishes. */
export interface CommentEvent {
  /** Event id (uuid): the message id, and what the worker's idempotency is keyed on. */
  readonly id: string;
  readonly kind: 'comment.created' | 'comment.deleted';
  readonly commentId: string;
  readonly postId: string;
}

/**
 * The outbox write of a comment change, as the last clause of the statement that changes the
 * comment: `INSERT INTO comment_events ... SELECT ... FROM <source>`, where `source` is a
 * data-modifying CTE returning the changed comments' `id` and `post_id`, and `$<idParam>` the new
 * event's id. The event then exists exactly when the comment change committed (one statement is
 * one transaction), in one round trip instead of four (BEGIN, change, event, COMMIT).
 * The relay publishes it afterwards (at least once).
 *
 * @example
 * ```ts
 * await db.query(
 *   `WITH d AS (DELETE FROM comments WHERE id = $1 RETURNING id, post_id), e AS (${commentEventFrom('d', 'comment.deleted', 2)}) SELECT post_id FROM d`,
 *   [commentId, randomUUID()],
 * );
 * ```
 */
export function commentEventFrom(source: string, kind: CommentEvent['kind'], idParam: number): string {
  return `INSERT INTO comment_events (id, kind, comment_id, post_id) SELECT $${String(idParam)}, '${kind}', id, post_id FROM ${source}`;
}

const KINDS: ReadonlySet<string> = new Set(['comment.created', 'comment.deleted']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Parses a message body into an event; throws (so the message is retried, then dead-lettered) when it is not one. */
export function parseCommentEvent(value: unknown): CommentEvent {
  const e = value as Partial<Record<keyof CommentEvent, unknown>> | null;
  if (typeof e !== 'object' || e === null) throw new TypeError('a comment event must be a JSON object');
  for (const key of ['id', 'commentId', 'postId'] as const) {
    if (typeof e[key] !== 'string' || !UUID.test(e[key])) throw new TypeError(`comment event ${key} must be a uuid`);
  }
  if (typeof e.kind !== 'string' || !KINDS.has(e.kind)) throw new TypeError('comment event kind must be comment.created or comment.deleted');
  return { id: e.id as string, kind: e.kind as CommentEvent['kind'], commentId: e.commentId as string, postId: e.postId as string };
}
