import { defineConfig } from '@podkit/config';
import { z } from 'zod';
import { commonConfig, DEFAULT_ADMIN_PORTS, DEFAULT_PORTS, distinctAdminPort } from '../shared/config.ts';
import { commentEventsConfig } from '../comments/config.ts';

/**
 * Configuration of the comment-counter worker: the comments database (schema `comments`: the
 * worker writes the projection the comments service reads) and the broker, required here (the
 * embedded in-process queue lives in the comments process, which then runs the worker itself):
 * without `AMQP_URL` the worker exits 78 with a configuration error.
 */
export const configSchema = z.object({
  ...commonConfig('comments', DEFAULT_PORTS['comment-counter'], DEFAULT_ADMIN_PORTS['comment-counter']),
  ...commentEventsConfig,
}).superRefine(distinctAdminPort);

/** The comment-counter config definition. */
export const counterConfig = defineConfig(configSchema);
