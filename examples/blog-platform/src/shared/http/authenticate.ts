import type { IncomingMessage } from 'node:http';
import type { Logger } from '@podkit/core';
import { bearerToken } from '../auth/bearer.ts';
import type { Principal } from '../auth/claims.ts';
import { isTokenError } from '../auth/errors.ts';
import type { TokenVerifier } from '../auth/verifier.ts';
import { problems } from './problems.ts';

/** Resolves the caller of a request from its bearer token, or throws a 401 problem. */
export type Authenticate = (req: IncomingMessage) => Promise<Principal>;

/**
 * Builds the request authenticator of a service: every failure (missing, malformed, expired,
 * wrongly signed token, unknown key) is the same 401; the reason is logged at debug level by
 * code only, never with the token.
 */
export function createAuthenticate(verifier: TokenVerifier, logger: Logger): Authenticate {
  return async (req) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined) throw problems.unauthorized();
    try {
      return await verifier.verify(token);
    } catch (err) {
      if (isTokenError(err)) {
        logger.debug({ reason: err.code }, 'token refused');
        throw problems.unauthorized('the bearer token is invalid or expired');
      }
      throw err;
    }
  };
}
