import { defineConfig, duration } from '@podkit/config';
import { z } from 'zod';
import { commonConfig, DEFAULT_ADMIN_PORTS, DEFAULT_PORTS, distinctAdminPort, upstreamUrl } from '../shared/config.ts';

/** Configuration of the posts service. */
export const configSchema = z.object({
  ...commonConfig('posts', DEFAULT_PORTS.posts, DEFAULT_ADMIN_PORTS.posts),
  auth: z.object({ url: upstreamUrl(DEFAULT_PORTS.auth).describe('auth base URL(s), for the JWKS') }),
  cache: z.object({
    ttl: duration({ unit: 's', min: '1s' }).default(300_000).describe('how long a post stays cached'),
  }),
}).superRefine(distinctAdminPort);

/** The posts config definition. */
export const postsConfig = defineConfig(configSchema);
