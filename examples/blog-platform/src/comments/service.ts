import { authVerifier } from '../shared/auth/jwks-client.ts';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { PLATFORM_VERSION } from '../shared/version.ts';
import { startCommentCounter } from '../comment-counter/consumer.ts';
import { openCommentEvents } from '../comment-counter/transport.ts';
import { createCommentsApp } from './app.ts';
import { commentsConfig, type configSchema } from './config.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import { createPostLookup } from './post-lookup.ts';

/**
 * The comments service: creating a comment checks the post through a podkit client to posts
 * (breaker per replica: when posts is down, 503 at once instead of waiting on timeouts). Each
 * comment change writes an event to the outbox in its transaction; the relay publishes it to
 * RabbitMQ (`AMQP_URL`) for the comment-counter worker, or, embedded, to an in-process queue
 * consumed by the worker running in this process.
 */
export const commentsService: ServiceDefinition<typeof configSchema> = {
  name: 'comments',
  version: PLATFORM_VERSION,
  config: commentsConfig,
  async setup({ config, logger, openDatabase, client, service, onShutdown }) {
    const db = await openDatabase(config.database);
    const events = await openCommentEvents({ amqpUrl: config.amqp.url, queue: config.events.queue, logger });
    onShutdown('comment events', () => events.close());
    const app = await createCommentsApp({
      db,
      verifier: authVerifier(client('auth', config.auth.url)),
      postExists: createPostLookup(client('posts', config.posts.url)),
      logger,
      onChange: () => relay.kick(),
    });
    if (events.kind === 'memory') {
      // embedded: the queue lives in this process; events published but never applied (the
      // last run stopped with them queued) are published again
      await db.query(`UPDATE comment_events SET published_at = NULL WHERE published_at IS NOT NULL AND id NOT IN (SELECT event_id FROM applied_comment_events)`);
      await startCommentCounter(service, { db, events, prefetch: config.events.prefetch, applyDelayMs: config.events.applyDelay });
      logger.info('comment-counter worker runs in this process (no AMQP_URL: in-process queue)');
    }
    const relay = startOutboxRelay({ db, publish: (e) => events.publish(e), logger });
    // registered after the database: hooks run in reverse, so the relay stops before it closes
    onShutdown('outbox relay', () => relay.stop());
    return app.router;
  },
};
