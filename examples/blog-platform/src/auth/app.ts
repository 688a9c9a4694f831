import type { Logger, Metrics } from '@podkit/core';
import { LOOPBACK_PROXIES, createClientAddressResolver, type Router } from '@podkit/http';
import { createTokenVerifier, type TokenVerifier } from '../shared/auth/verifier.ts';
import type { Cache } from '../shared/cache/cache.ts';
import type { Database } from '../shared/db/database.ts';
import { withInputErrors } from '../shared/db/input-errors.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createAuthenticate } from '../shared/http/authenticate.ts';
import { createLoginLimiter, type LoginLimits } from './login-limiter.ts';
import { createRegistrationLimiter, type RegistrationLimits } from './registration-limiter.ts';
import { createRevocationStore } from './revocation-store.ts';
import { migrations } from './migrations.ts';
import { authRoutes } from './routes.ts';
import type { SigningKey } from './signing-key.ts';
import { createUserStore } from './users.ts';

/** What the auth service is made of (built by `main.ts`, or by tests with test backends). */
export interface AuthAppOptions {
  readonly db: Database;
  readonly cache: Cache;
  readonly key: SigningKey;
  readonly logger: Logger;
  readonly metrics?: Metrics | undefined;
  readonly tokenTtlSeconds: number;
  readonly limits: LoginLimits;
  /** @default 10 registrations per address per hour */
  readonly registrationLimits?: RegistrationLimits;
  /** Addresses and CIDR ranges whose `X-Forwarded-For` is believed. @default LOOPBACK_PROXIES */
  readonly trustedProxies?: readonly string[];
}

/** The auth service's request handling. */
export interface AuthApp {
  readonly router: Router;
  readonly verifier: TokenVerifier;
}

/** Migrates the auth schema and builds the routes. */
export async function createAuthApp(o: AuthAppOptions): Promise<AuthApp> {
  await migrate(o.db, migrations);
  const jwks = { keys: [o.key.publicJwk] };
  const revocations = createRevocationStore(withInputErrors(o.db));
  const verifier = createTokenVerifier({ fetchJwks: () => Promise.resolve(jwks), revoked: (claims) => revocations.isRevoked(claims) });
  const logins = o.metrics?.counter({ name: 'auth_logins_total', help: 'Login attempts by outcome', labelNames: ['outcome'] });
  const checks = o.metrics?.counter({ name: 'auth_password_checks_total', help: 'Password checks run (scrypt) by login' });
  const router = authRoutes({
    users: createUserStore(withInputErrors(o.db)),
    key: o.key,
    limiter: createLoginLimiter(o.cache, o.limits),
    revocations,
    registrations: createRegistrationLimiter(o.cache, o.registrationLimits ?? { perAddress: 10, windowSeconds: 3600 }),
    clientAddress: createClientAddressResolver({ trustedProxies: o.trustedProxies ?? LOOPBACK_PROXIES }),
    authenticate: createAuthenticate(verifier, o.logger),
    tokenTtlSeconds: o.tokenTtlSeconds,
    logger: o.logger,
    onLogin: logins === undefined ? undefined : (outcome) => logins.inc({ outcome }),
    onPasswordCheck: checks === undefined ? undefined : () => checks.inc(),
  });
  return { router, verifier };
}
