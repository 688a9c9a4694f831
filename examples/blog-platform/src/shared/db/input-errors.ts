import { problems } from '../http/problems.ts';
import type { Database, Queryable } from './database.ts';

/** SQLSTATE class 22, "data exception": a value PostgreSQL cannot take (bad uuid, NUL in text, date out of range, ...). */
function isDataException(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.length === 5 && code.startsWith('22');
}

function guard<Q extends Queryable>(q: Q): Q['query'] {
  return async (text, params) => {
    try {
      return await q.query(text, params);
    } catch (err) {
      // the request's values were validated before; whatever still slipped through is the caller's input, not a crash
      if (isDataException(err)) throw problems.badRequest('a value in the request cannot be stored or compared');
      throw err;
    }
  };
}

/**
 * The last line of input validation: a statement that fails with a data exception (SQLSTATE
 * class 22) becomes a 400 problem instead of a 500. Routes validate first; wrap the stores that
 * request handlers use with this so a value the validation missed is still the caller's error.
 *
 * @example
 * const store = createPostStore(withInputErrors(db));
 */
export function withInputErrors(db: Database): Database {
  return {
    kind: db.kind,
    schema: db.schema,
    query: guard(db),
    exec: (script) => db.exec(script),
    transaction: (fn) => db.transaction((tx) => fn({ query: guard(tx), exec: (s) => tx.exec(s) })),
    withAdvisoryLock: (key, fn) => db.withAdvisoryLock(key, fn),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}
