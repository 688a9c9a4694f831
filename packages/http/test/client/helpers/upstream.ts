import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

/** What the test upstream does with a request. */
export type UpstreamHandler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;

/**
 * A real HTTP server on port 0 that fails on command: set `handler` to change what it does.
 * It counts requests and open sockets (current and maximum).
 */
export class Upstream {
  readonly server: Server;
  handler: UpstreamHandler = (_req, res) => json(res, 200, { ok: true });
  hits = 0;
  openSockets = 0;
  maxOpenSockets = 0;
  readonly requests: IncomingMessage[] = [];
  keepRequests = false;
  #waiters: { count: number; resolve: () => void }[] = [];
  readonly #sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((req, res) => {
      this.hits++;
      if (this.keepRequests) this.requests.push(req);
      req.resume();
      this.handler(req, res, this.hits);
      this.#waiters = this.#waiters.filter((w) => {
        if (this.hits < w.count) return true;
        w.resolve();
        return false;
      });
    });
    this.server.keepAliveTimeout = 30_000;
    // A socket counts as open from its accept until the client closes its side ('end') or it is
    // closed. The maximum is sampled after the I/O phase, so one epoll batch that carries both a
    // client's FIN on an old socket and its SYN on a new one is not counted as both open.
    this.server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      this.openSockets++;
      let counted = true;
      const gone = (): void => {
        if (!counted) return;
        counted = false;
        this.openSockets--;
      };
      socket.on('end', gone);
      socket.on('error', gone);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        gone();
      });
      setImmediate(() => {
        if (this.openSockets > this.maxOpenSockets) this.maxOpenSockets = this.openSockets;
      });
    });
  }

  /** Listens on an ephemeral port. */
  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once the upstream has received `count` requests in all. */
  waitForHits(count: number): Promise<void> {
    if (this.hits >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Stops, destroying open sockets (hanging requests included). */
  async stop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }
}

/** Sends a JSON response. */
export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A handler that never answers (the request hangs until the client gives up). */
export const hang: UpstreamHandler = () => undefined;

/** A handler that resets the connection without answering. */
export const reset: UpstreamHandler = (req) => {
  req.socket.destroy();
};

/** Starts an upstream. */
export function startUpstream(): Promise<Upstream> {
  return new Upstream().start();
}

/** An origin where nothing listens (connections are refused). */
export async function refusedOrigin(): Promise<string> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return `http://127.0.0.1:${port}`;
}

/** A TCP listener that accepts connections and never says a word (stopped with `stop()`). */
export interface SilentListener {
  /** `https://127.0.0.1:<port>`: a TLS handshake with it never completes, so connecting hangs. */
  readonly httpsUrl: string;
  /** Resolves once a connection was accepted. */
  connected(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a {@link SilentListener}: the way to hold a client in its connect phase on loopback. */
export async function silentListener(): Promise<SilentListener> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    httpsUrl: `https://127.0.0.1:${port}`,
    connected: () => (sockets.size > 0 ? Promise.resolve() : once(server, 'connection').then(() => undefined)),
    stop: async () => {
      for (const s of sockets) s.destroy();
      server.close();
      await once(server, 'close').catch(() => undefined);
    },
  };
}
