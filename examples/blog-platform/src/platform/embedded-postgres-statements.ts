/**
 * The bridge's prepared-statement cache. `pg` sends every parameterized query as an unnamed
 * statement (Parse, Bind, Describe, Execute, Sync), so PostgreSQL parses, analyzes and plans its
 * text each time: in PGlite that is about half the cost of a small INSERT (measured: 350–570 µs
 * unnamed against 160–250 µs prepared). The cache turns the first unnamed Parse of a text (for a
 * search_path and parameter types) into a named statement of the shared session, and later ones
 * into an empty Parse with the client's Bind (and statement Describe) pointed at that statement.
 * The client sees the same messages back as without it. Statements are planned as prepared
 * statements are on PostgreSQL (custom plans first, then possibly a generic plan).
 */
import { cstrings, message } from './embedded-postgres-wire.ts';

/** What the cache keeps per client connection. */
export interface StatementClient {
  readonly searchPath: string;
  /** The cached statement the client's unnamed statement stands for, if any. */
  unnamed: string | undefined;
}

/** A unit's messages as they run, and the statements it creates. */
export interface CachedUnit {
  readonly messages: Buffer[];
  readonly created: readonly { readonly key: string; readonly name: string }[];
}

/** See the module comment. */
export interface StatementCache {
  /** The unit's messages with unnamed Parses, Binds and statement Describes rewritten. */
  rewrite(client: StatementClient, messages: readonly Buffer[]): CachedUnit;
  /** After the unit ran: keeps the statements it created, or (when it failed) forgets them. */
  settle(client: StatementClient, unit: CachedUnit, failed: boolean): void;
  /** Forgets every statement (after DDL: a cached `SELECT *` must not keep an old row type). */
  invalidate(): void;
  /** The statements to close in the session (forgotten or evicted), once. */
  takeClosed(): string[];
  /** Statements cached now. */
  readonly size: number;
}

/** An unnamed Parse of the empty query: answers ParseComplete, costs next to nothing. */
const EMPTY_PARSE = message('P', Buffer.from([0, 0, 0, 0]));

/** Creates a cache of at most `max` statements (least recently used evicted). @default 256 */
export function createStatementCache(max = 256): StatementCache {
  const byKey = new Map<string, string>(); // key → statement name, least recently used first
  let closed: string[] = [];
  let next = 1;
  return {
    get size() {
      return byKey.size;
    },
    rewrite(client, messages) {
      const out: Buffer[] = [];
      const created: { key: string; name: string }[] = [];
      for (const m of messages) {
        const type = m[0];
        const body = m.subarray(5);
        if (type === 0x50 /* P */ && body[0] === 0) {
          const rest = body.subarray(1); // query\0, parameter count and types
          const key = `${client.searchPath}\0${rest.toString('latin1')}`;
          const hit = byKey.get(key) ?? created.find((c) => c.key === key)?.name;
          if (hit !== undefined) {
            if (byKey.delete(key)) byKey.set(key, hit); // most recently used
            out.push(EMPTY_PARSE);
            client.unnamed = hit;
          } else {
            const name = `podkit_s${String(next++)}`;
            created.push({ key, name });
            out.push(message('P', Buffer.concat([cstrings(name), rest])));
            client.unnamed = name;
          }
          continue;
        }
        if (type === 0x42 /* B: portal\0 statement\0 ... */ && client.unnamed !== undefined) {
          const portalEnd = body.indexOf(0);
          if (body[portalEnd + 1] === 0) {
            out.push(message('B', Buffer.concat([body.subarray(0, portalEnd + 1), cstrings(client.unnamed), body.subarray(portalEnd + 2)])));
            continue;
          }
        }
        if (type === 0x44 /* D */ && body[0] === 0x53 /* S */ && body[1] === 0 && client.unnamed !== undefined) {
          out.push(message('D', Buffer.concat([Buffer.from('S', 'latin1'), cstrings(client.unnamed)])));
          continue;
        }
        // a simple Query or a Close of the unnamed statement ends it, as on PostgreSQL
        if (type === 0x51 /* Q */ || (type === 0x43 /* C */ && body[0] === 0x53 && body[1] === 0)) client.unnamed = undefined;
        out.push(m);
      }
      return { messages: out, created };
    },
    settle(client, unit, failed) {
      for (const { key, name } of unit.created) {
        if (failed) {
          // which Parse ran before the error is not known: close them all (closing a missing one is no error)
          closed.push(name);
          if (client.unnamed === name) client.unnamed = undefined;
          continue;
        }
        byKey.set(key, name);
      }
      for (const [key, name] of byKey) {
        if (byKey.size <= max) break;
        byKey.delete(key);
        closed.push(name);
      }
    },
    invalidate() {
      closed.push(...byKey.values());
      byKey.clear();
    },
    takeClosed() {
      const names = closed;
      closed = [];
      return names;
    },
  };
}
