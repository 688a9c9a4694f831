import type { Logger } from '@podkit/core';
import type { Database } from '../shared/db/database.ts';
import type { CommentEvent } from './events.ts';

/** Options of {@link startOutboxRelay}. */
export interface OutboxRelayOptions {
  readonly db: Database;
  /** Publishes one event; resolves once the transport has it (the broker confirmed it). */
  readonly publish: (event: CommentEvent) => Promise<void>;
  readonly logger: Logger;
  /** How often unpublished events are looked for besides the kick after each write. @default 1000 */
  readonly intervalMs?: number;
}

/** The running relay. */
export interface OutboxRelay {
  /** Publishes what is pending now (called after each comment write). */
  kick(): void;
  /** Stops the timer and waits for the pass in progress. */
  stop(): Promise<void>;
}

/** Events read (and then marked published, in one statement) per round. */
const BATCH = 100;

interface Row {
  seq: string;
  id: string;
  kind: CommentEvent['kind'];
  comment_id: string;
  post_id: string;
}

/**
 * Publishes the outbox (`comment_events`) in order: each event is marked published only after
 * the transport confirmed it (the confirmed events of a batch in one UPDATE), so a crash or a
 * broker outage means it is published again later (at least once; the worker is idempotent),
 * never lost. Runs after each write and every `intervalMs` (an `unref()`-ed timer). Several replicas may publish the same row twice: allowed.
 */
export function startOutboxRelay(o: OutboxRelayOptions): OutboxRelay {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  /** Marks the confirmed events of a batch published, in one statement. */
  async function markPublished(seqs: readonly string[]): Promise<void> {
    if (seqs.length === 0) return;
    const marks = seqs.map((_, i) => `$${String(i + 1)}`).join(', ');
    await o.db.query(`UPDATE comment_events SET published_at = clock_timestamp() WHERE seq IN (${marks})`, seqs);
  }

  async function pass(): Promise<void> {
    for (;;) {
      const { rows } = await o.db.query<Row>(`SELECT seq, id, kind, comment_id, post_id FROM comment_events WHERE published_at IS NULL ORDER BY seq LIMIT ${String(BATCH)}`);
      const confirmed: string[] = [];
      try {
        for (const r of rows) {
          if (stopped) return;
          await o.publish({ id: r.id, kind: r.kind, commentId: r.comment_id, postId: r.post_id });
          confirmed.push(r.seq);
        }
      } finally {
        // what the transport confirmed, even when a later publish failed (the rest is published again)
        await markPublished(confirmed);
      }
      if (rows.length < BATCH) return;
    }
  }

  function kick(): void {
    if (stopped) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (err) {
          o.logger.warn({ err }, 'could not publish comment events; retrying on the next pass');
        }
      } while (again && !stopped);
    })().finally(() => (running = undefined));
  }

  const timer = setInterval(kick, o.intervalMs ?? 1_000);
  timer.unref();
  kick();
  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
