import { ConfigurationError } from '@podkit/core';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { migrate } from '../shared/db/migrate.ts';
import { PLATFORM_VERSION } from '../shared/version.ts';
import { migrations } from '../comments/migrations.ts';
import { counterConfig, type configSchema } from './config.ts';
import { startCommentCounter } from './consumer.ts';
import { openCommentEvents } from './transport.ts';

/**
 * The comment-counter worker (no Kubernetes Service routes to it): consumes the comment events
 * from RabbitMQ and keeps each post's comment count in the comments database. Probes and
 * `/metrics` on the admin port; readiness includes `consumer:comment-events` (the broker
 * connection) and the database. On SIGTERM intake stops at once, in-flight events finish within
 * the drain budget, the rest go back to the queue for the next replica.
 */
export const commentCounterService: ServiceDefinition<typeof configSchema> = {
  name: 'comment-counter',
  version: PLATFORM_VERSION,
  config: counterConfig,
  async setup({ config, logger, openDatabase, service }) {
    if (config.amqp.url === undefined) {
      throw new ConfigurationError('amqp.url (AMQP_URL) is required for the comment-counter worker; without a broker the comments service runs the worker itself');
    }
    const db = await openDatabase(config.database);
    // the same migrations as comments (under its advisory lock): either may start first
    await migrate(db, migrations);
    const events = await openCommentEvents({ amqpUrl: config.amqp.url, queue: config.events.queue, logger });
    await startCommentCounter(service, { db, events, prefetch: config.events.prefetch, applyDelayMs: config.events.applyDelay });
    // no API: @podkit/service answers every request on the public port with a 404 problem
    return undefined;
  },
};
