import { defineConfig, duration, secret, url } from '@podkit/config';
import { z } from 'zod';
import { commonConfig, DEFAULT_ADMIN_PORTS, DEFAULT_PORTS, distinctAdminPort, upstreamUrl } from '../shared/config.ts';

/**
 * Where comment events go (`AMQP_URL`): shared by the comments service (publisher) and the
 * comment-counter worker (consumer). Unset → an in-process queue and the worker runs inside the
 * comments process (the embedded default of `npm start`).
 */
export const commentEventsConfig = {
  amqp: z.object({
    // a Secret (Secret key amqp-url: it carries the password); url() masks it in every log line
    url: secret(url({ protocols: ['amqp', 'amqps'] }).optional()).describe('RabbitMQ URL for comment events; unset → in-process queue, worker inside comments'),
  }),
  events: z.object({
    queue: z.string().regex(/^[a-z0-9._-]{1,200}$/).default('comment-events').describe('RabbitMQ queue of comment events (its dead letters: <queue>.dead)'),
    prefetch: z.number().int().min(1).max(1_000).default(16).describe('comment events handled at once by the worker'),
    applyDelay: duration()
      .default(0)
      .describe('TEST ONLY: artificial delay before each comment event is applied, so tests can SIGTERM the worker mid-stream. Keep 0 in production.'),
  }),
};

/** Configuration of the comments service. */
export const configSchema = z.object({
  ...commonConfig('comments', DEFAULT_PORTS.comments, DEFAULT_ADMIN_PORTS.comments),
  auth: z.object({ url: upstreamUrl(DEFAULT_PORTS.auth).describe('auth base URL(s), for the JWKS') }),
  posts: z.object({ url: upstreamUrl(DEFAULT_PORTS.posts).describe('posts base URL(s): checks that a post exists') }),
  ...commentEventsConfig,
}).superRefine(distinctAdminPort);

/** The comments config definition. */
export const commentsConfig = defineConfig(configSchema);
