import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { TestingOptionsError } from '../errors.ts';
import { respond, type Fault } from './faults.ts';

/** What the upstream received, one entry per request, in arrival order. */
export interface RecordedRequest {
  /** 1-based arrival number. */
  readonly n: number;
  readonly method: string;
  /** Path and query, e.g. `/posts?limit=5`. */
  readonly url: string;
  /** Headers, lower-cased names (`traceparent`, `x-request-id`, a deadline header...). */
  readonly headers: IncomingHttpHeaders;
  /** The body as text (UTF-8). */
  readonly body: string;
  /** The name of the fault that answered it. */
  readonly fault: string;
  /** `Date.now()` when the request head arrived. */
  readonly at: number;
}

/** Chooses the fault for a request that no script step is left for. */
export type FaultChooser = (req: RecordedRequest) => Fault;

function chooser(f: Fault | FaultChooser): FaultChooser {
  return typeof f === 'function' ? (f as FaultChooser) : () => f;
}

/** Options for {@link startFaultUpstream}. */
export interface FaultUpstreamOptions {
  /** What requests get when the script is empty. @default respond() (200 `{ ok: true }`) */
  readonly fallback?: Fault | FaultChooser;
  /** Randomness for latency distributions (inject a seeded one for reproducible tests). @default Math.random */
  readonly random?: () => number;
  /** Host to listen on. @default '127.0.0.1' */
  readonly host?: string;
}

/**
 * A real HTTP server on port 0 whose behaviour a test scripts per request: each request takes
 * the next scripted {@link Fault} (then the fallback), and is recorded with its headers and body.
 * Refusing connections is a state of the listener, not of a request: {@link FaultUpstream.refuse}.
 */
export class FaultUpstream {
  /** Every request received so far. */
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #host: string;
  readonly #random: () => number;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #script: Fault[] = [];
  #fallback: FaultChooser;
  #port = 0;
  #closed = false;
  #waiters: { count: number; resolve: () => void }[] = [];

  /** Use {@link startFaultUpstream}. @param options - see {@link FaultUpstreamOptions} */
  constructor(options: FaultUpstreamOptions = {}) {
    this.#fallback = chooser(options.fallback ?? respond());
    this.#random = options.random ?? Math.random;
    this.#host = options.host ?? '127.0.0.1';
    this.#server = createServer((req, res) => this.#handle(req, res));
    this.#server.keepAliveTimeout = 30_000;
    this.#server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
  }

  /** Listens (on port 0 the first time; on the same port again after {@link FaultUpstream.accept}). */
  async listen(): Promise<this> {
    this.#server.listen(this.#port, this.#host);
    await once(this.#server, 'listening');
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://${this.#host}:${String(this.#port)}`;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#port;
  }

  /** Queues faults: the next requests get them in order, one each. */
  script(...faults: Fault[]): this {
    this.#script.push(...faults);
    return this;
  }

  /** Sets what requests get once the script is used up. */
  fallback(fault: Fault | FaultChooser): this {
    this.#fallback = chooser(fault);
    return this;
  }

  /** Scripted faults not yet used. */
  get remaining(): number {
    return this.#script.length;
  }

  /** Resolves once `count` requests in all have arrived. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /**
   * Stops accepting connections: new ones are refused (`ECONNREFUSED`) until
   * {@link FaultUpstream.accept}; open connections are reset.
   */
  async refuse(): Promise<void> {
    const closed = once(this.#server, 'close');
    this.#server.close();
    for (const s of this.#sockets) s.resetAndDestroy();
    await closed;
  }

  /** Accepts connections again on the same port. */
  async accept(): Promise<void> {
    await this.listen();
  }

  /** Closes the server, destroying open connections (hanging requests included) and pending timers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    for (const s of this.#sockets) s.destroy();
    if (this.#server.listening) {
      this.#server.close();
      await once(this.#server, 'close');
    }
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const at = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const base = { n: this.requests.length + 1, method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: body.toString('utf8'), at };
      const fault = this.#script.shift() ?? this.#fallback({ ...base, fault: '' });
      this.requests.push({ ...base, fault: fault.name });
      this.#waiters = this.#waiters.filter((w) => {
        if (this.requests.length < w.count) return true;
        w.resolve();
        return false;
      });
      fault.apply({ req, res, body, random: this.#random, after: (ms: number, fn: () => void) => this.#after(ms, fn) });
    });
  }

  #after(ms: number, fn: () => void): void {
    if (this.#closed) return;
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.#timers.add(t);
  }
}

/**
 * Starts a {@link FaultUpstream} on an ephemeral port.
 *
 * @example
 * ```ts
 * const upstream = await startFaultUpstream();
 * upstream.script(resetMidBody(), unavailable(2), delayed({ min: 5, max: 20 }, json({ id: 1 })));
 * const client = createClient({ service, name: 'posts', baseUrl: upstream.url });
 * await client.get('/posts/1');
 * expect(upstream.requests.map((r) => r.fault)).toEqual(['reset-mid-body', 'unavailable-503', 'delayed-respond-200']);
 * expect(upstream.requests[0]?.headers['x-request-id']).toBeDefined();
 * await upstream.close();
 * ```
 */
export function startFaultUpstream(options: FaultUpstreamOptions = {}): Promise<FaultUpstream> {
  if (options.random !== undefined && typeof options.random !== 'function') throw new TestingOptionsError('random must be a function returning [0, 1)');
  return new FaultUpstream(options).listen();
}
