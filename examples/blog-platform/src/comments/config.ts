import { defineConfig } from '@podkit/config';
import { z } from 'zod';
import { commonConfig, DEFAULT_ADMIN_PORTS, DEFAULT_PORTS, distinctAdminPort, upstreamUrl } from '../shared/config.ts';

/** Configuration of the comments service. */
export const configSchema = z.object({
  ...commonConfig('comments', DEFAULT_PORTS.comments, DEFAULT_ADMIN_PORTS.comments),
  auth: z.object({ url: upstreamUrl(DEFAULT_PORTS.auth).describe('auth base URL(s), for the JWKS') }),
  posts: z.object({ url: upstreamUrl(DEFAULT_PORTS.posts).describe('posts base URL(s): checks that a post exists') }),
}).superRefine(distinctAdminPort);

/** The comments config definition. */
export const commentsConfig = defineConfig(configSchema);
