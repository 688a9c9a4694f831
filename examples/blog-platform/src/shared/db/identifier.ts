/** SQL identifiers (schema names) made safe to put into a statement's text. */

/** A schema name a service may own: lower-case letters, digits and `_`, at most 63 bytes. */
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A name that is not a valid identifier where one is put into SQL text. `source` says where the
 * value came from (an option, a config key, a client's startup packet); the message names it and
 * the value. Code: `ERR_INVALID_SQL_IDENTIFIER`.
 */
export class InvalidIdentifierError extends Error {
  /** Stable code. */
  readonly code = 'ERR_INVALID_SQL_IDENTIFIER';
  /** Where the value came from, e.g. `openPostgres option schema`. */
  readonly source: string;
  /** The value refused. */
  readonly value: string;
  /**
   * @param source - where the value came from
   * @param value - the value refused
   * @param rule - what a valid value looks like
   */
  constructor(source: string, value: string, rule: string) {
    super(`invalid SQL identifier ${JSON.stringify(value)} (${source}): ${rule}`);
    this.name = 'InvalidIdentifierError';
    this.source = source;
    this.value = value;
  }
}

/**
 * Quotes any name as a PostgreSQL identifier: double quotes around it, an inner `"` doubled.
 * The result names exactly `name`, whatever it holds (`a"; DROP TABLE x` → `"a""; DROP TABLE x"`).
 */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Validates a schema name (`[a-z_][a-z0-9_]*`, at most 63 bytes) and quotes it for SQL.
 *
 * @param source - where the name came from, for the error (e.g. `openPglite option schema`)
 * @throws {@link InvalidIdentifierError} naming the source and the value
 *
 * @example
 * ```ts
 * await db.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(db.schema, 'Database.schema')}`);
 * ```
 */
export function quoteIdent(name: string, source: string): string {
  if (typeof name !== 'string' || !SCHEMA_NAME.test(name)) {
    throw new InvalidIdentifierError(source, String(name), 'use lower-case letters, digits and _ (at most 63, not starting with a digit)');
  }
  return quoteIdentifier(name);
}
