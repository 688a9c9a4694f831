/**
 * The search_path a client of the embedded PostgreSQL bridge asks for in its startup `options`,
 * checked and re-quoted before the bridge puts it into `SET search_path TO ...`: the value comes
 * from the client, and PGlite runs every statement of a simple query.
 */
import { InvalidIdentifierError, quoteIdentifier } from '../shared/db/identifier.ts';

/** Where the value comes from, for the error. */
const SOURCE = 'search_path in the startup options';

/** An unquoted name as PostgreSQL reads it (folded to lower case), or the special `$user`. */
const PLAIN = /^(?:[A-Za-z_][A-Za-z0-9_$]*|\$user)$/;

/** The search_path a client asked for in its startup `options` (`-c search_path=x` or `--search_path=x`; the last one wins). */
export function searchPathOf(options: string | undefined): string | undefined {
  if (options === undefined) return undefined;
  const all = [...options.matchAll(/(?:-c\s*|--)search_path=((?:\\ |\S)+)/g)];
  return all.at(-1)?.[1]?.replaceAll('\\ ', ' ');
}

/** One element of the list: a double-quoted name (`""` inside is a quote) or a plain one. */
function element(text: string): string | undefined {
  if (text.startsWith('"')) {
    if (text.length < 3 || !text.endsWith('"')) return undefined;
    const inner = text.slice(1, -1);
    if (/(?<!")"(?!")/.test(inner.replaceAll('""', ''))) return undefined; // a lone quote inside
    return quoteIdentifier(inner.replaceAll('""', '"'));
  }
  return PLAIN.test(text) ? quoteIdentifier(text.toLowerCase()) : undefined;
}

/**
 * The search_path as SQL for `SET search_path TO ...`: every element re-quoted as an identifier
 * (`svc_a, "My Schema"` → `"svc_a", "My Schema"`). A value that is not a comma-separated list of
 * plain or double-quoted identifiers (`public; DROP TABLE x`, an unbalanced quote, an empty
 * element) is refused, as PostgreSQL refuses it ("List syntax is invalid").
 *
 * @throws {@link InvalidIdentifierError} naming the source and the value
 */
export function searchPathSql(value: string): string {
  const parts: string[] = [];
  // split at commas outside quotes
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= value.length; i++) {
    const c = value[i];
    if (c === '"') quoted = !quoted;
    else if ((c === ',' && !quoted) || c === undefined) {
      const sql = element(value.slice(start, i).trim());
      if (sql === undefined || quoted) {
        throw new InvalidIdentifierError(SOURCE, value, 'expected a comma-separated list of identifiers (svc_a, "$user", public)');
      }
      parts.push(sql);
      start = i + 1;
    }
  }
  return parts.join(', ');
}
