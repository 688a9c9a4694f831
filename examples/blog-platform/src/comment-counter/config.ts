import { defineConfig } from '@podkit/config';
import { z } from 'zod';
import { commonConfig, distinctAdminPort } from '../shared/config.ts';
import { commentEventsConfig } from '../comments/config.ts';

/** Local port (bound by `@podkit/service`, answers 404: the worker has no API) and admin port. */
export const COUNTER_PORT = 8085;
/** Local admin port: probes and `/metrics`. */
export const COUNTER_ADMIN_PORT = 9085;

/**
 * Configuration of the comment-counter worker: the comments database (schema `comments`: the
 * worker writes the projection the comments service reads) and the broker, required here (the
 * embedded in-process queue lives in the comments process, which then runs the worker itself):
 * without `AMQP_URL` the worker exits 78 with a configuration error.
 */
export const configSchema = z.object({
  ...commonConfig('comments', COUNTER_PORT, COUNTER_ADMIN_PORT),
  ...commentEventsConfig,
}).superRefine(distinctAdminPort);

/** The comment-counter config definition. */
export const counterConfig = defineConfig(configSchema);
