/**
 * One embedded PostgreSQL (PGlite, PostgreSQL compiled to WebAssembly) shared by every service of
 * `npm start` over the PostgreSQL wire protocol on 127.0.0.1, so the services run the same `pg`
 * path as in production and the platform holds ONE WebAssembly heap instead of one per service.
 *
 * PGlite is a single session; this server multiplexes client connections onto it safely:
 * - a client's extended-protocol batch (Parse/Bind/Execute... up to Sync) or simple Query runs as
 *   one unit, never interleaved with another client's messages (unnamed statements stay intact);
 * - while a client's transaction is open, only that client's units run;
 * - each client's `search_path` (from its startup `options=-c search_path=...`) is restored
 *   before its units run, since the session is shared;
 * - `NotificationResponse`s go to the clients that issued `LISTEN` on their channel;
 * - a unit is one PGlite call and one socket write, and unnamed statements are prepared once per
 *   search_path and text ({@link createStatementCache}).
 * Session-level state beyond that (advisory locks, named prepared statements, temporary tables)
 * is shared by all clients: advisory locks are never contended. For development and tests only:
 * production runs a real PostgreSQL. See docs/decisions/0007-embedded-postgres-bridge.md.
 */
import { mkdir } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { createStatementCache, type StatementClient } from './embedded-postgres-statements.ts';
import { searchPathSql, searchPathOf } from './embedded-postgres-search-path.ts';
import { closeStatements, cstrings, errorResponse, int32, message } from './embedded-postgres-wire.ts';

export { searchPathOf, searchPathSql } from './embedded-postgres-search-path.ts';

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** PGlite data directory; `memory://` (or undefined) keeps the database in memory. @default in memory */
  readonly dataDir?: string | undefined;
  /** Port on 127.0.0.1. @default 0 (any free port) */
  readonly port?: number;
}

/** A running embedded PostgreSQL. */
export interface EmbeddedPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (no password). */
  readonly url: string;
  readonly port: number;
  /** Closes every client connection, stops listening and closes PGlite. Idempotent. */
  close(): Promise<void>;
}

const PROTOCOL_V3 = 196_608;
const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;

interface Connection extends StatementClient {
  readonly id: number;
  readonly socket: Socket;
  buffer: Buffer;
  started: boolean;
  /** `SET search_path TO ...` value for this client: quoted identifiers only ({@link searchPathSql}). */
  searchPath: string;
  /** The cached statement this client's unnamed statement stands for. */
  unnamed: string | undefined;
  /** Messages of the unit being received (up to Sync). */
  partial: Buffer[];
  readonly listens: Set<string>;
  closed: boolean;
}

interface Unit {
  readonly conn: Connection;
  readonly messages: Buffer[];
}

/** A statement's `LISTEN`/`UNLISTEN` channel, if it is one. */
function listenOf(sql: string): { listen: boolean; channel: string } | undefined {
  const m = /^\s*(UN)?LISTEN\s+("?)([^";\s]+|\*)\2\s*;?\s*$/i.exec(sql);
  return m === null ? undefined : { listen: m[1] === undefined, channel: m[3]!.toLowerCase() };
}

/**
 * Starts PGlite and a PostgreSQL wire-protocol server for it on 127.0.0.1.
 *
 * @example
 * ```ts
 * const pg = await startEmbeddedPostgres({ dataDir: '.data/postgres' });
 * // DATABASE_URL=pg.url for every service
 * await pg.close();
 * ```
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const dataDir = options.dataDir;
  if (dataDir !== undefined && !dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  // shared_buffers: 16 MB instead of 128 MB keeps the WebAssembly heap about 130 MiB smaller after
  // load (measured: 662 → 533 MiB RSS after 100k rows); plenty for a development database.
  const db = await PGlite.create({ ...(dataDir === undefined ? {} : { dataDir }), postgresqlconf: ['shared_buffers=16MB'] });
  const connections = new Set<Connection>();
  const queue: Unit[] = [];
  /** The client whose transaction is open: only its units run until it ends. */
  let owner: Connection | undefined;
  /** The client whose unit ran last. */
  let current: Connection | undefined;
  /** The search_path the session has; `undefined` when a statement may have changed it. */
  let sessionPath: string | undefined;
  let running = false;
  let nextId = 1;
  const statements = createStatementCache();
  /** Set by a unit's DDL: the cached statements are forgotten after it. */
  let ddl = false;

  /**
   * Runs wire-protocol messages, returns PGlite's raw answer. Through `execProtocolRawStream`:
   * `execProtocolRaw` also parses every answer into an array that is never emptied (PGlite
   * 0.5.16), so it leaked memory and CPU with each statement.
   */
  async function exec(messages: Uint8Array): Promise<Buffer> {
    const parts: Buffer[] = [];
    await db.execProtocolRawStream(messages, { onRawData: (bytes) => parts.push(Buffer.from(bytes)) }); // bytes: a view of the WebAssembly heap
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  const write = (conn: Connection, data: Buffer): void => {
    if (!conn.closed && data.length > 0) conn.socket.write(data);
  };

  /** Sends PGlite's output to `conn`, notifications to their listeners; returns the last ReadyForQuery status and whether an error was answered. */
  function route(conn: Connection | undefined, data: Buffer): { status: string | undefined; failed: boolean } {
    let status: string | undefined;
    let failed = false;
    let start = 0;
    let offset = 0;
    const flush = (end: number): void => {
      if (conn !== undefined && end > start) write(conn, data.subarray(start, end));
    };
    while (offset + 5 <= data.length) {
      const type = String.fromCharCode(data[offset]!);
      const end = offset + 1 + data.readInt32BE(offset + 1);
      if (type === 'Z') status = String.fromCharCode(data[offset + 5]!);
      else if (type === 'E') failed = true;
      else if (type === 'A') {
        flush(offset);
        const body = data.subarray(offset + 9, end);
        const channel = body.subarray(0, body.indexOf(0)).toString('utf8');
        const frame = data.subarray(offset, end);
        for (const c of connections) if (c.listens.has(channel) || c.listens.has('*')) write(c, Buffer.from(frame));
        start = end;
      }
      offset = end;
    }
    flush(data.length);
    return { status, failed };
  }

  /**
   * Follows the client's `LISTEN`/`UNLISTEN`s, forgets the session's search_path when a statement
   * may change it, and notes DDL (cached statements are re-prepared after it).
   */
  function inspect(conn: Connection, m: Buffer): void {
    const body = m.subarray(5);
    const text = m[0] === 0x50 /* P: name\0 sql\0 ... */ ? body.subarray(body.indexOf(0) + 1) : body;
    const sql = text.subarray(0, text.indexOf(0)).toString('utf8');
    if (/search_path|\breset\b|\bdiscard\b/i.test(sql)) sessionPath = undefined; // another client sets its own again
    if (/\b(?:create|alter|drop|truncate|comment\s+on|discard|deallocate)\b/i.test(sql)) ddl = true;
    const l = listenOf(sql);
    if (l === undefined) return;
    if (l.listen) conn.listens.add(l.channel);
    else if (l.channel === '*') conn.listens.clear();
    else conn.listens.delete(l.channel);
  }

  async function run(unit: Unit): Promise<void> {
    const { conn } = unit;
    // the clients of one service share their search_path: it is set only when another client's
    // unit ran last with another one (a client's own SET stays its own, as on its own backend)
    if (current !== conn && sessionPath !== conn.searchPath) {
      route(undefined, await exec(message('Q', cstrings(`SET search_path TO ${conn.searchPath}`))));
      sessionPath = conn.searchPath;
    }
    current = conn;
    const closing = statements.takeClosed();
    if (closing.length > 0) route(undefined, await exec(closeStatements(closing)));
    for (const m of unit.messages) if (m[0] === 0x51 /* Q */ || m[0] === 0x50 /* P */) inspect(conn, m);
    const cached = statements.rewrite(conn, unit.messages);
    // the whole unit in ONE call: PGlite runs every message of the buffer in turn (an error skips to
    // the Sync, as PostgreSQL does), and its answer goes out in one socket write
    const batch = cached.messages.length === 1 ? cached.messages[0]! : Buffer.concat(cached.messages);
    const { status, failed } = route(conn, await exec(batch));
    statements.settle(conn, cached, failed);
    if (ddl) {
      ddl = false;
      statements.invalidate();
      for (const c of connections) c.unnamed = undefined;
    }
    if (status !== undefined) owner = status === 'I' ? undefined : conn;
  }

  function pump(): void {
    if (running) return;
    const index = owner === undefined ? 0 : queue.findIndex((u) => u.conn === owner);
    if (index < 0 || queue.length === 0) return; // wait for the transaction's next statement
    const [unit] = queue.splice(index, 1);
    running = true;
    db.runExclusive(() => run(unit!))
      .catch(() => unit!.conn.socket.destroy())
      .finally(() => {
        running = false;
        pump();
      });
  }

  async function release(conn: Connection): Promise<void> {
    if (conn.closed) return;
    conn.closed = true;
    connections.delete(conn);
    for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.conn === conn) queue.splice(i, 1);
    if (current === conn) current = undefined;
    if (owner === conn) {
      // a client gone inside its transaction: roll it back so the others can go on
      await db.runExclusive(async () => route(undefined, await exec(message('Q', cstrings('ROLLBACK'))))).catch(() => {});
      owner = undefined;
    }
    pump();
  }

  function startup(conn: Connection, packet: Buffer): void {
    const code = packet.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      conn.socket.write('N');
      return;
    }
    if (code !== PROTOCOL_V3) {
      conn.socket.destroy(); // a CancelRequest (80877102) is not supported, nor any other protocol
      return;
    }
    const fields = packet.subarray(8).toString('utf8').split('\0');
    const params = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length && fields[i] !== ''; i += 2) params.set(fields[i]!, fields[i + 1]!);
    const asked = searchPathOf(params.get('options'));
    try {
      conn.searchPath = asked === undefined ? '"$user", public' : searchPathSql(asked);
    } catch (err) {
      // as PostgreSQL answers a bad startup parameter: FATAL, then the connection closes
      const socket = conn.socket;
      socket.end(errorResponse('FATAL', '22023', (err as Error).message), () => socket.destroy());
      return;
    }
    conn.started = true;
    const status = (name: string, value: string): Buffer => message('S', cstrings(name, value));
    write(
      conn,
      Buffer.concat([
        message('R', int32(0)),
        status('server_version', '17.5'),
        status('server_encoding', 'UTF8'),
        status('client_encoding', 'UTF8'),
        status('DateStyle', 'ISO, MDY'),
        status('integer_datetimes', 'on'),
        status('standard_conforming_strings', 'on'),
        status('TimeZone', 'UTC'),
        message('K', int32(process.pid, conn.id)),
        message('Z', Buffer.from('I')),
      ]),
    );
  }

  function receive(conn: Connection, chunk: Buffer): void {
    if (conn.socket.writableEnded) return; // refused at startup: what it sends after is never run
    conn.buffer = conn.buffer.length === 0 ? chunk : Buffer.concat([conn.buffer, chunk]);
    for (;;) {
      const b = conn.buffer;
      if (!conn.started) {
        if (b.length < 8 || b.length < b.readInt32BE(0)) return;
        const len = b.readInt32BE(0);
        conn.buffer = b.subarray(len);
        startup(conn, b.subarray(0, len));
        if (conn.socket.destroyed || conn.socket.writableEnded) return; // refused: nothing after it runs
        continue;
      }
      if (b.length < 5 || b.length < 1 + b.readInt32BE(1)) return;
      const len = 1 + b.readInt32BE(1);
      const m = b.subarray(0, len); // a view: socket chunks are never reused
      conn.buffer = b.subarray(len);
      const type = String.fromCharCode(m[0]!);
      if (type === 'X') {
        conn.socket.end();
        return;
      }
      conn.partial.push(m);
      if (type === 'S' || type === 'Q' || type === 'H') {
        queue.push({ conn, messages: conn.partial });
        conn.partial = [];
        pump();
      }
    }
  }

  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const conn: Connection = { id: nextId++, socket, buffer: Buffer.alloc(0), started: false, searchPath: 'public', unnamed: undefined, partial: [], listens: new Set(), closed: false };
    connections.add(conn);
    socket.on('data', (chunk: Buffer) => receive(conn, chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void release(conn));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  let closing: Promise<void> | undefined;
  return {
    url: `postgres://postgres@127.0.0.1:${String(port)}/postgres`,
    port,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections) c.socket.destroy();
        await stopped;
        while (running) await new Promise((r) => setImmediate(r));
        if (!db.closed) await db.close();
      })();
      return closing;
    },
  };
}
