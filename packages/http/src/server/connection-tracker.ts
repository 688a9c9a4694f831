import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
// node:timers' and node:perf_hooks' own functions, not the globals: fake timers in a user's tests
// replace the globals, and `server.close()` must not hang there.
import { clearTimeout, setImmediate, setTimeout } from 'node:timers';
import type { PodkitServerResponse } from './response.ts';

/** Result of draining the HTTP server (returned by `PodkitServer.drain()` and logged as `http server drained`). */
export interface HttpDrainResult {
  /** In-flight requests that were still running at the deadline and were cut. */
  cut: number;
  /** In-flight requests when the drain began. */
  inFlightAtStart: number;
  /** Open connections when the drain began. */
  connectionsAtStart: number;
  /** Connections the drain closed because they stayed quiet (no request, no byte) for the quiet period. */
  idleClosed: number;
}

/**
 * How long a connection with no request in flight must have received nothing (no request, no
 * byte) before the drain closes it. A request a client has just written on a keep-alive
 * socket is in transit for a round trip plus the server's event-loop lag; closing a socket that
 * was active this recently would reset it. Quiet time counts from when shutdown began.
 * @internal
 */
export const DRAIN_QUIET_MS = 1000;

/** Options of {@link ConnectionTracker} (injectable for tests). @internal */
export interface ConnectionTrackerOptions {
  /** @default DRAIN_QUIET_MS */
  readonly quietMs?: number;
  /** Monotonic clock in ms. @default node:perf_hooks' performance.now */
  readonly now?: () => number;
}

/** What the drain knows about a connection's activity since shutdown began. */
interface Activity {
  /** `socket.bytesRead` when last seen. */
  bytes: number;
  /** When it was last seen receiving bytes or finishing a response. */
  since: number;
}

const noop = (): void => {};

/**
 * Tracks the sockets and in-flight responses of one `http.Server` and drains it without
 * resetting a client that is sending.
 *
 * - {@link stopKeepAlive} (when shutdown begins, before the propagation delay): every response
 *   from then on carries `Connection: close`, so pooled clients move to new connections — which
 *   the load balancer sends elsewhere once the endpoint is removed — while everything is served.
 * - {@link drain}: stop accepting; a connection with a request in flight is answered with
 *   `Connection: close` and closes after the response; a connection with no request in flight
 *   is closed only once it has received nothing for {@link DRAIN_QUIET_MS} (since shutdown
 *   began), and a request arriving before that is answered (with `Connection: close`). Resolves
 *   as soon as no connection is left, or at the deadline, when what is left is destroyed.
 * @internal
 */
export class ConnectionTracker {
  /** Whether keep-alive has ended: new responses get `Connection: close`. */
  closing = false;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #inFlight = new Set<PodkitServerResponse>();
  readonly #quietMs: number;
  readonly #now: () => number;
  /** Activity per socket, kept from the moment keep-alive ends. */
  #activity: Map<Socket, Activity> | undefined;
  #wake: () => void = noop;

  constructor(server: Server, options: ConnectionTrackerOptions = {}) {
    this.#server = server;
    this.#quietMs = options.quietMs ?? DRAIN_QUIET_MS;
    this.#now = options.now ?? ((): number => performance.now());
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      this.#activity?.set(socket, { bytes: 0, since: this.#now() });
      socket.once('close', () => {
        this.#sockets.delete(socket);
        this.#activity?.delete(socket);
        if (this.#sockets.size === 0) this.#wake();
      });
    });
  }

  /** Number of requests in flight. */
  get inFlight(): number {
    return this.#inFlight.size;
  }

  /** Number of open connections. */
  get connections(): number {
    return this.#sockets.size;
  }

  /** Marks a response in flight (called when its request arrives). */
  begin(res: PodkitServerResponse): void {
    this.#inFlight.add(res);
    if (this.closing) res.shouldKeepAlive = false;
  }

  /** Marks a response done (called when it closes). */
  end(res: PodkitServerResponse): void {
    this.#inFlight.delete(res);
    if (this.#activity === undefined) return;
    // A response whose headers went out with keep-alive before shutdown leaves its socket open:
    // the client may send the next request right now, so its quiet period starts over.
    const activity = res.socket === null ? undefined : this.#activity.get(res.socket);
    if (activity !== undefined) activity.since = this.#now();
  }

  /**
   * Ends keep-alive: every response not yet started carries `Connection: close` from now on.
   * Nothing is closed. Idempotent; `drain()` calls it too.
   */
  stopKeepAlive(): void {
    if (this.closing) return;
    this.closing = true;
    const now = this.#now();
    this.#activity = new Map();
    for (const socket of this.#sockets) this.#activity.set(socket, { bytes: socket.bytesRead, since: now });
    for (const res of this.#inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
  }

  /**
   * Drains the server (see the class description). `deadline` is an epoch-ms time; `signal`
   * aborting cuts the wait short like the deadline does.
   */
  async drain(deadline: number, signal?: AbortSignal): Promise<HttpDrainResult> {
    const inFlightAtStart = this.#inFlight.size;
    const connectionsAtStart = this.#sockets.size;
    this.stopKeepAlive();
    const closed = stopListening(this.#server);
    let idleClosed = 0;
    // The deadline is wall-clock; the wait is measured on the monotonic clock from here.
    const endAt = this.#now() + Math.max(0, deadline - Date.now());
    while (this.#sockets.size > 0 && this.#now() < endAt && signal?.aborted !== true) {
      // Judge sockets after the poll phase, so request bytes already received are counted.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const { closedNow, nextMs } = this.#closeQuiet();
      idleClosed += closedNow;
      if (this.#sockets.size === 0 || closedNow === this.#sockets.size) break;
      await this.#sleep(Math.min(nextMs, endAt - this.#now()), signal);
    }
    const cut = this.#inFlight.size;
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    return { cut, inFlightAtStart, connectionsAtStart, idleClosed };
  }

  /** Closes every socket quiet for the quiet period; returns how many and when to look again. */
  #closeQuiet(): { closedNow: number; nextMs: number } {
    const now = this.#now();
    const busy = new Set<Socket | null>();
    for (const res of this.#inFlight) busy.add(res.socket);
    let closedNow = 0;
    let nextMs = this.#quietMs;
    for (const socket of this.#sockets) {
      if (busy.has(socket) || socket.destroyed) continue;
      let activity = this.#activity?.get(socket);
      if (activity === undefined) {
        activity = { bytes: socket.bytesRead, since: now };
        this.#activity?.set(socket, activity);
      }
      if (socket.bytesRead !== activity.bytes) {
        activity.bytes = socket.bytesRead;
        activity.since = now;
      }
      const left = activity.since + this.#quietMs - now;
      if (left <= 0) {
        socket.destroy();
        closedNow++;
      } else {
        nextMs = Math.min(nextMs, left);
      }
    }
    return { closedNow, nextMs: Math.max(1, Math.ceil(nextMs)) };
  }

  /** Waits `ms`, or until no socket is left, or `signal` aborts. */
  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#wake = noop;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }
}

/**
 * Stops accepting connections; resolves once the server has closed (every connection ended).
 * `http.Server#close()` would also destroy every idle keep-alive socket at once (Node >= 19),
 * resetting a request a client is sending on one at that moment; that part is skipped here and
 * idle sockets are closed by the drain's quiet rule instead.
 */
function stopListening(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeIdleConnections = noop;
    try {
      server.close(() => resolve());
    } finally {
      Reflect.deleteProperty(server, 'closeIdleConnections');
    }
  });
}
