import { defineConfig, duration, list, secret } from '@podkit/config';
import { LOOPBACK_PROXIES, isAddressOrRange } from '@podkit/http';
import { z } from 'zod';
import { commonConfig, DEFAULT_ADMIN_PORTS, DEFAULT_PORTS, distinctAdminPort } from '../shared/config.ts';

/** Configuration of the auth service (env vars, ConfigMap `/etc/config`, Secret `/etc/secrets`). */
export const configSchema = z.object({
  ...commonConfig('auth', DEFAULT_PORTS.auth, DEFAULT_ADMIN_PORTS.auth),
  jwtSigningKey: secret(z.string().optional()).describe(
    'Ed25519 private key, PEM PKCS#8 (Secret key jwt-signing-key); unset → an ephemeral key per start',
  ),
  session: z.object({
    ttl: duration({ unit: 's', min: '1m', max: '24h' }).default(30 * 60_000).describe('lifetime of an access token (JWT)'),
  }),
  login: z.object({
    maxFailuresPerAccount: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('failed logins per account from one client address per window (other addresses are not locked out)'),
    maxFailuresPerAddress: z.number().int().min(1).default(20).describe('failed logins per client address per window, over all accounts'),
    failureWindow: duration({ unit: 's' }).default(15 * 60_000).describe('rate-limit window'),
  }),
  register: z.object({
    maxPerAddress: z.number().int().min(1).default(10).describe('registrations per client address per window'),
    window: duration({ unit: 's' }).default(60 * 60_000).describe('registration rate-limit window'),
  }),
  trustedProxies: list(z.string().refine(isAddressOrRange, 'expected an IP address or CIDR range'))
    .default([...LOOPBACK_PROXIES])
    .describe('peers (addresses, CIDR ranges) whose X-Forwarded-For names the client: the gateway and ingress pods'),
}).superRefine(distinctAdminPort);

/** The auth config definition (load it with `authConfig.load()`). */
export const authConfig = defineConfig(configSchema);
