import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { PodkitServerResponse } from './response.ts';

/** Result of draining the HTTP server (returned by `PodkitServer.drain()` and logged as `http server drained`). */
export interface HttpDrainResult {
  /** In-flight requests that were still running at the deadline and were cut. */
  cut: number;
  /** In-flight requests when the drain began. */
  inFlightAtStart: number;
  /** Open connections when the drain began. */
  connectionsAtStart: number;
  /** Connections closed at once because no request was in flight on them. */
  idleClosed: number;
}

/**
 * Tracks the sockets and in-flight responses of one `http.Server` and drains it: stop accepting,
 * close every connection with no request in flight (idle keep-alive sockets and connections
 * that never sent a byte), mark in-flight responses `Connection: close`, wait for them up to the
 * deadline, then destroy what is left. Resolves as soon as nothing is left, so a drain with no
 * traffic takes milliseconds.
 * @internal
 */
export class ConnectionTracker {
  /** Whether the drain has begun; new responses get `Connection: close`. */
  draining = false;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #inFlight = new Set<PodkitServerResponse>();
  #onIdle: (() => void) | undefined;

  constructor(server: Server) {
    this.#server = server;
    server.on('connection', (socket: Socket) => {
      if (this.draining) {
        socket.destroy();
        return;
      }
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
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
    if (this.draining) res.shouldKeepAlive = false;
  }

  /** Marks a response done (called when it closes). */
  end(res: PodkitServerResponse): void {
    this.#inFlight.delete(res);
    if (!this.draining) return;
    // Its socket closes after a `Connection: close` response; one whose headers went out before
    // the drain began stays open idle, so close it now.
    const socket = res.socket;
    if (socket !== null && !this.#busy(socket)) socket.destroySoon();
    if (this.#inFlight.size === 0) this.#onIdle?.();
  }

  /**
   * Drains the server (see the class description). `deadline` is an epoch-ms time; `signal`
   * aborting cuts the wait short like the deadline does.
   */
  async drain(deadline: number, signal?: AbortSignal): Promise<HttpDrainResult> {
    const inFlightAtStart = this.#inFlight.size;
    const connectionsAtStart = this.#sockets.size;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.draining = true;
    for (const res of this.#inFlight) if (!res.headersSent) res.shouldKeepAlive = false;
    let idleClosed = 0;
    for (const socket of this.#sockets) {
      if (!this.#busy(socket)) {
        socket.destroy();
        idleClosed++;
      }
    }
    if (this.#inFlight.size > 0) await this.#waitIdle(deadline, signal);
    const cut = this.#inFlight.size;
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    return { cut, inFlightAtStart, connectionsAtStart, idleClosed };
  }

  #busy(socket: Socket): boolean {
    for (const res of this.#inFlight) if (res.socket === socket) return true;
    return false;
  }

  #waitIdle(deadline: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#onIdle = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
      timer.unref();
      signal?.addEventListener('abort', done, { once: true });
      this.#onIdle = done;
    });
  }
}
