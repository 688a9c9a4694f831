/** The algorithm every token is signed and verified with (Ed25519). Pinned: no other is accepted. */
export const TOKEN_ALGORITHM = 'EdDSA';
/** The `iss` claim auth sets and every service requires. */
export const TOKEN_ISSUER = 'blog-platform/auth';
/** The `aud` claim auth sets and every service requires. */
export const TOKEN_AUDIENCE = 'blog-platform';
/** Tokens longer than this are refused before any parsing. */
export const MAX_TOKEN_LENGTH = 4096;

/** The caller a verified token identifies. */
export interface Principal {
  /** User id (`sub`). */
  readonly userId: string;
  /** Login name (`preferred_username`). */
  readonly username: string;
  /** Display name (`name`), shown as the author of posts and comments. */
  readonly displayName: string;
}
