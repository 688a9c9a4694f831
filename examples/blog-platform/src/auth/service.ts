import { configSources } from '@podkit/config';
import type { ServiceDefinition } from '../shared/bootstrap.ts';
import { PLATFORM_VERSION } from '../shared/version.ts';
import { createAuthApp } from './app.ts';
import { authConfig, type configSchema } from './config.ts';
import { loadSigningKey } from './signing-key.ts';

/**
 * The auth service: register, login (scrypt, rate-limited), `/me`, and the JWKS other services
 * verify tokens with. Demonstrates podkit config Secrets (`jwt-signing-key`,
 * `database-password`) and value redaction in logs.
 */
export const authService: ServiceDefinition<typeof configSchema> = {
  name: 'auth',
  version: PLATFORM_VERSION,
  config: authConfig,
  async setup({ config, logger, metrics, openDatabase, openCache }) {
    const from = configSources(config).find((e) => e.key === 'jwtSigningKey');
    const key = await loadSigningKey(config.jwtSigningKey, from?.location ?? from?.source);
    if (key.ephemeral) {
      logger.warn({ kid: key.kid }, 'no jwt-signing-key secret mounted: generated an ephemeral signing key (tokens do not survive a restart)');
    } else {
      logger.info({ kid: key.kid }, 'signing key loaded from the jwt-signing-key secret');
    }
    const app = await createAuthApp({
      db: await openDatabase(config.database),
      cache: await openCache(config.redis),
      key,
      logger,
      metrics,
      tokenTtlSeconds: Math.round(config.session.ttl / 1000),
      limits: {
        perAccount: config.login.maxFailuresPerAccount,
        perAddress: config.login.maxFailuresPerAddress,
        windowSeconds: Math.round(config.login.failureWindow / 1000),
      },
      registrationLimits: { perAddress: config.register.maxPerAddress, windowSeconds: Math.round(config.register.window / 1000) },
      trustedProxies: config.trustedProxies,
    });
    return app.router;
  },
};
