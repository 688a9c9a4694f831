import type { IncomingMessage } from 'node:http';
import type { Logger } from '@podkit/core';
import { createRouter, reply, type ClientAddressResolver, type Router } from '@podkit/http';
import { z } from 'zod';
import type { Authenticate } from '../shared/http/authenticate.ts';
import { problems } from '../shared/http/problems.ts';
import { text } from '../shared/http/schemas.ts';
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { bearerToken } from '../shared/auth/bearer.ts';
import type { LoginLimiter } from './login-limiter.ts';
import type { RegistrationLimiter } from './registration-limiter.ts';
import type { RevocationStore } from './revocation-store.ts';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.ts';
import type { SigningKey } from './signing-key.ts';
import { issueToken } from './tokens.ts';
import type { UserStore } from './users.ts';
import { DuplicateUserError } from './users.ts';

/** What the auth routes need. */
export interface AuthRoutesDeps {
  readonly users: UserStore;
  readonly key: SigningKey;
  readonly limiter: LoginLimiter;
  readonly registrations: RegistrationLimiter;
  readonly revocations: RevocationStore;
  /** The client's address: the peer, or from `X-Forwarded-For` when the peer is a trusted proxy (the gateway). */
  readonly clientAddress: ClientAddressResolver;
  readonly authenticate: Authenticate;
  readonly tokenTtlSeconds: number;
  readonly logger: Logger;
  /** Counts logins by outcome (`success`, `failure`, `limited`). */
  readonly onLogin?: (outcome: 'success' | 'failure' | 'limited') => void;
  /** Counts password checks (scrypt runs, including the dummy one for unknown users). */
  readonly onPasswordCheck?: () => void;
}

const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.-]{3,32}$/, 'expected 3 to 32 letters, digits, "_", "." or "-"');
const password = text().min(8, 'expected at least 8 characters').max(256);

const Register = z.strictObject({ username, password, displayName: text().trim().min(1).max(64).optional() });
const Login = z.strictObject({ username: text().max(64), password: text().max(256) });

/** The auth API (paths as the gateway exposes them: `/api/auth/...`). */
export function authRoutes(deps: AuthRoutesDeps): Router {
  const { users, key, limiter, authenticate, logger, revocations } = deps;
  /** The verified caller and the claims of its token (logout revokes that token). */
  async function caller(req: IncomingMessage): Promise<{ userId: string; jti: string | undefined; exp: number }> {
    const principal = await authenticate(req);
    const claims = decodeJwt(bearerToken(req.headers.authorization)!);
    return { userId: principal.userId, jti: claims.jti, exp: claims.exp ?? Math.floor(Date.now() / 1000) + deps.tokenTtlSeconds };
  }
  const jwks = JSON.stringify({ keys: [key.publicJwk] });
  return createRouter({ bodyLimitBytes: 16 * 1024 })
    .post('/api/auth/register', { body: Register }, async ({ body, req }) => {
      const wait = await deps.registrations.reserve(deps.clientAddress(req));
      if (wait > 0) throw problems.tooManyRequests('too many registrations from this address; try again later', wait);
      const passwordHash = await hashPassword(body.password);
      try {
        const user = await users.create({ username: body.username, displayName: body.displayName ?? body.username, passwordHash });
        logger.info({ userId: user.id }, 'user registered');
        return reply(201, { user });
      } catch (err) {
        if (err instanceof DuplicateUserError) throw problems.conflict(`username "${body.username}" is already taken`);
        throw err;
      }
    })
    .post('/api/auth/login', { body: Login }, async ({ body, req }) => {
      // the slot is taken before the password check: concurrent guesses cannot all be checked
      const slot = await limiter.reserve(body.username, deps.clientAddress(req));
      if (!slot.allowed) {
        deps.onLogin?.('limited');
        throw problems.tooManyRequests('too many failed logins; try again later', slot.retryAfterSeconds);
      }
      const found = await users.findForLogin(body.username);
      deps.onPasswordCheck?.();
      const ok = found === undefined ? (await burnPasswordCheck(body.password), false) : await verifyPassword(body.password, found.passwordHash);
      if (!ok || found === undefined) {
        deps.onLogin?.('failure');
        throw problems.unauthorized('wrong username or password');
      }
      await slot.release();
      deps.onLogin?.('success');
      const { token, expiresAt } = await issueToken(key, found.user, deps.tokenTtlSeconds);
      return { token, expiresAt, user: found.user };
    })
    .get('/api/auth/me', {}, async ({ req }) => {
      const principal = await authenticate(req);
      const user = await users.findById(principal.userId);
      if (user === undefined) throw problems.unauthorized('the user of this token no longer exists');
      return { user };
    })
    .post('/api/auth/logout', {}, async ({ req }) => {
      const me = await caller(req);
      // tokens issued before jti existed cannot be revoked one by one: revoke the user's tokens up to now
      if (me.jti === undefined) await revocations.revokeUser(me.userId, Math.floor(Date.now() / 1000), me.exp);
      else await revocations.revokeToken(me.userId, me.jti, me.exp);
      logger.info({ userId: me.userId }, 'user logged out');
      return undefined;
    })
    .delete('/api/auth/me', {}, async ({ req }) => {
      const me = await caller(req);
      const now = Math.floor(Date.now() / 1000);
      // revoke first: once the user is gone, no token of theirs may still write anywhere
      await revocations.revokeUser(me.userId, now, now + deps.tokenTtlSeconds);
      await users.delete(me.userId);
      logger.info({ userId: me.userId }, 'user deleted');
      return undefined;
    })
    .get('/api/auth/revocations', {}, async ({ req, res }) => {
      const body = JSON.stringify({ revocations: await revocations.list(Math.floor(Date.now() / 1000)) });
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      const headers = { etag, 'cache-control': 'no-cache' };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers);
        res.end();
        return;
      }
      res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    })
    .get('/api/auth/.well-known/jwks.json', {}, ({ res }) => {
      res.writeHead(200, { 'content-type': 'application/jwk-set+json', 'cache-control': 'public, max-age=300' });
      res.end(jwks);
    });
}
