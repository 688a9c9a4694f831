import type { Logger, Metrics } from '@podkit/core';
import type { Router } from '@podkit/http';
import { createTokenVerifier, type TokenVerifier } from '../shared/auth/verifier.ts';
import type { Cache } from '../shared/cache/cache.ts';
import type { Database } from '../shared/db/database.ts';
import { migrate } from '../shared/db/migrate.ts';
import { createAuthenticate } from '../shared/http/authenticate.ts';
import { createLoginLimiter, type LoginLimits } from './login-limiter.ts';
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
  const verifier = createTokenVerifier({ fetchJwks: () => Promise.resolve(jwks) });
  const logins = o.metrics?.counter({ name: 'auth_logins_total', help: 'Login attempts by outcome', labelNames: ['outcome'] });
  const router = authRoutes({
    users: createUserStore(o.db),
    key: o.key,
    limiter: createLoginLimiter(o.cache, o.limits),
    authenticate: createAuthenticate(verifier, o.logger),
    tokenTtlSeconds: o.tokenTtlSeconds,
    logger: o.logger,
    onLogin: logins === undefined ? undefined : (outcome) => logins.inc({ outcome }),
  });
  return { router, verifier };
}
