/**
 * The publish side and the projection, without a broker: the outbox relay marks an event
 * published only once the transport confirmed it (a failing publish is retried, nothing lost),
 * and applying an event twice changes the count once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { applyCommentEvent } from '../../src/comment-counter/counter.ts';
import type { CommentEvent } from '../../src/comments/events.ts';
import { migrations } from '../../src/comments/migrations.ts';
import { startOutboxRelay } from '../../src/comments/outbox-relay.ts';
import { createCommentStore } from '../../src/comments/store.ts';
import { migrate } from '../../src/shared/db/migrate.ts';
import { backends } from '../helpers/backends.ts';
import { quietLogger } from '../helpers/http.ts';

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe.each(backends())('comment events on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('a comment and its event commit together; the relay retries a failed publish and marks only confirmed events', async () => {
    const db = await backend.openDatabase('comments');
    await migrate(db, migrations);
    const store = createCommentStore(db);
    const postId = randomUUID();
    const comment = await store.create({ postId, authorId: randomUUID(), authorName: 'A', body: 'hi' });
    const published: CommentEvent[] = [];
    let failures = 1;
    const relay = startOutboxRelay({
      db,
      logger: quietLogger(),
      intervalMs: 60_000,
      publish: (event) => {
        if (failures > 0) {
          failures -= 1;
          return Promise.reject(new Error('broker unavailable'));
        }
        published.push(event);
        return Promise.resolve();
      },
    });
    // the first pass (at start) failed: the event is still pending
    await until('the failed pass', () => failures === 0);
    const pending = async (): Promise<number> => (await db.query(`SELECT id FROM comment_events WHERE published_at IS NULL`)).rows.length;
    // a kick while the failed pass still runs makes it go round again: either way it publishes
    relay.kick();
    await until('published', () => published.length === 1);
    await relay.stop();
    expect(published[0]).toMatchObject({ kind: 'comment.created', commentId: comment.id, postId });
    expect(await pending()).toBe(0);
    await store.delete(comment.id);
    expect((await db.query(`SELECT kind FROM comment_events ORDER BY seq`)).rows).toEqual([{ kind: 'comment.created' }, { kind: 'comment.deleted' }]);
  });

  it('applies an event once: a redelivered event changes nothing, a deletion counts down', async () => {
    const db = await backend.openDatabase('comments');
    await migrate(db, migrations);
    const store = createCommentStore(db);
    const postId = randomUUID();
    const created: CommentEvent = { id: randomUUID(), kind: 'comment.created', commentId: randomUUID(), postId };
    expect(await applyCommentEvent(db, created)).toBe(true);
    expect(await applyCommentEvent(db, created)).toBe(false);
    expect(await store.commentCount(postId)).toBe(1);
    expect(await applyCommentEvent(db, { ...created, id: randomUUID(), kind: 'comment.deleted' })).toBe(true);
    expect(await store.commentCount(postId)).toBe(0);
  });
});
