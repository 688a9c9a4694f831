import { Agent, request } from 'node:http';
import { connect, Socket } from 'node:net';
import { TestingOptionsError } from '../errors.ts';

/** How one request of the load ended. */
export type Outcome = 'ok' | '5xx' | 'reset' | 'refused' | 'timeout' | 'unexpected' | 'error';

/** Every outcome, in report order. */
export const OUTCOMES: readonly Outcome[] = Object.freeze(['ok', '5xx', 'reset', 'refused', 'timeout', 'unexpected', 'error']);

/** One request the load sends. */
export interface LoadRequest {
  /** @default 'GET' */
  readonly method?: string;
  /** Path and query, e.g. `/api/posts?limit=5`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** A string is sent as is, anything else as JSON. */
  readonly body?: unknown;
  /**
   * Whether a (non-5xx) response is right; `false` counts as `unexpected`.
   * @default status < 500
   */
  readonly expect?: (status: number, body: string) => boolean;
  /** Name in failure samples. @default `METHOD path` */
  readonly name?: string;
}

/** The load: a list used round robin, or a function of the request number and worker. */
export type LoadRequests = readonly LoadRequest[] | ((n: number, worker: number) => LoadRequest);

/** Options of the keep-alive load. */
export interface LoadOptions {
  /** What to send. */
  readonly requests: LoadRequests;
  /** Workers, each with its own keep-alive connection, sending one request after another. @default 4 */
  readonly concurrency?: number;
  /** Pause between a worker's requests. @default 5 */
  readonly pauseMs?: number;
  /** A request still unanswered after this counts as `timeout`. @default 5000 */
  readonly timeoutMs?: number;
  /**
   * Retry once, on a new connection, a replayable request (GET, HEAD, OPTIONS, PUT, DELETE, or
   * one with an `Idempotency-Key` header) that failed on a reused keep-alive connection before
   * any response byte: what Go's `net/http`, browsers and most proxies do, since a server may
   * close an idle keep-alive connection while a request is on its way. Counted in
   * `requests.retried`. `false` models a client that never retries (Node's `http.Agent`).
   * @default true
   */
  readonly retryReusedConnectionResets?: boolean;
}

/** One failed request, for the report. */
export interface RequestFailure {
  readonly outcome: Exclude<Outcome, 'ok'>;
  readonly request: string;
  /** ms since the load started. */
  readonly at: number;
  readonly status?: number;
  readonly error?: string;
  /** The pod the request's connection went to, when known. */
  readonly pod?: string;
}

/** Requests by outcome (`total` is their sum; `retried` counts the reused-connection retries). */
export type OutcomeCounts = Record<Outcome, number> & { total: number; retried: number };

const REPLAYABLE = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

function replayable(req: LoadRequest): boolean {
  if (REPLAYABLE.has((req.method ?? 'GET').toUpperCase())) return true;
  return Object.keys(req.headers ?? {}).some((h) => h.toLowerCase() === 'idempotency-key' || h.toLowerCase() === 'x-idempotency-key');
}

/** What the load saw. */
export interface LoadReport {
  readonly requests: OutcomeCounts;
  /** The first 100 failures. */
  readonly failures: readonly RequestFailure[];
}

/** Picks the endpoint of a new connection (the Service's endpoint list now). @internal */
export interface ConnectionRouter {
  pick(): { readonly pod: string; readonly port: number } | undefined;
}

/** A running load; {@link RunningLoad.stop} ends it. */
export interface RunningLoad {
  /** Requests completed so far. */
  readonly completed: () => number;
  /** Resolves once `count` more requests have completed. */
  readonly waitFor: (count: number) => Promise<void>;
  /** Stops the workers after their current request and reports. */
  readonly stop: () => Promise<LoadReport>;
}

/** A connection attempt to a Service with no endpoint: refused, as kube-proxy rejects it. */
function refusedSocket(): Socket {
  const socket = new Socket();
  process.nextTick(() => socket.destroy(Object.assign(new Error('connect ECONNREFUSED (no endpoint)'), { code: 'ECONNREFUSED' })));
  return socket;
}

/** Starts the load through `router`: each new connection goes straight to the endpoint it picks. @internal */
export function startLoad(options: LoadOptions, router: ConnectionRouter): RunningLoad {
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TestingOptionsError(`load.concurrency must be an integer >= 1, got ${String(concurrency)}`);
  const timeoutMs = options.timeoutMs ?? 5000;
  const pauseMs = options.pauseMs ?? 5;
  const list = options.requests;
  if (Array.isArray(list) && list.length === 0) throw new TestingOptionsError('load.requests is empty');
  const pick = typeof list === 'function' ? list : (n: number): LoadRequest => (list)[n % (list).length]!;
  const retry = options.retryReusedConnectionResets ?? true;
  const counts: OutcomeCounts = { total: 0, retried: 0, ok: 0, '5xx': 0, reset: 0, refused: 0, timeout: 0, unexpected: 0, error: 0 };
  const failures: RequestFailure[] = [];
  const started = performance.now();
  let running = true;
  let n = 0;
  let waiters: { at: number; resolve: () => void }[] = [];
  const agents: Agent[] = [];
  const podOf = new WeakMap<object, string>();
  const createConnection = (): Socket => {
    const endpoint = router.pick();
    if (endpoint === undefined) return refusedSocket();
    const socket = connect(endpoint.port, '127.0.0.1');
    podOf.set(socket, endpoint.pod);
    return socket;
  };

  const record = (outcome: Outcome, req: LoadRequest, detail: Omit<RequestFailure, 'outcome' | 'request' | 'at'>): void => {
    counts.total++;
    counts[outcome]++;
    if (outcome !== 'ok' && failures.length < 100) {
      failures.push({ outcome, request: req.name ?? `${req.method ?? 'GET'} ${req.path}`, at: Math.round(performance.now() - started), ...detail });
    }
    waiters = waiters.filter((w) => {
      if (counts.total < w.at) return true;
      w.resolve();
      return false;
    });
  };

  const send = (agent: Agent, req: LoadRequest, attempt = 1): Promise<void> =>
    new Promise((resolve) => {
      let pod: string | undefined;
      let done = false;
      const finish = (outcome: Outcome, detail: { status?: number; error?: string } = {}): void => {
        if (done) return;
        done = true;
        record(outcome, req, { ...detail, ...(pod === undefined ? {} : { pod }) });
        resolve();
      };
      const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      const headers: Record<string, string> = { ...(body !== undefined && typeof req.body !== 'string' ? { 'content-type': 'application/json' } : {}), ...req.headers };
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const r = request({ method: req.method ?? 'GET', path: req.path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 500) return finish('5xx', { status });
          const ok = req.expect === undefined ? true : req.expect(status, Buffer.concat(chunks).toString('utf8'));
          finish(ok ? 'ok' : 'unexpected', { status });
        });
        res.on('error', (err) => finish('reset', { status: res.statusCode ?? 0, error: err.message }));
        res.on('aborted', () => finish('reset', { status: res.statusCode ?? 0, error: 'response aborted' }));
      });
      r.on('socket', (socket) => void (pod = podOf.get(socket)));
      r.setTimeout(timeoutMs, () => {
        finish('timeout', { error: `no answer in ${String(timeoutMs)} ms` });
        r.destroy();
      });
      let responded = false;
      r.on('response', () => void (responded = true));
      r.on('error', (err: NodeJS.ErrnoException) => {
        const code = err.code ?? '';
        const resetLike = code === 'ECONNRESET' || code === 'EPIPE' || err.message === 'socket hang up';
        if (!done && retry && attempt === 1 && resetLike && !responded && r.reusedSocket && replayable(req)) {
          done = true;
          counts.retried++;
          void send(agent, req, 2).then(resolve);
          return;
        }
        if (code === 'ECONNREFUSED') finish('refused', { error: code });
        else if (resetLike) finish('reset', { error: code || err.message });
        else finish('error', { error: code || err.message });
      });
      r.end(body);
    });

  const worker = async (w: number): Promise<void> => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agent.createConnection = createConnection;
    agents.push(agent);
    while (running) {
      await send(agent, pick(n++, w));
      if (pauseMs > 0 && running) await new Promise((r) => setTimeout(r, pauseMs));
    }
  };
  const workers = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return {
    completed: () => counts.total,
    waitFor: (count) => new Promise((resolve) => {
      const at = counts.total + count;
      if (!running) return resolve();
      waiters.push({ at, resolve });
    }),
    stop: async () => {
      running = false;
      await workers;
      for (const a of agents) a.destroy();
      for (const w of waiters) w.resolve();
      waiters = [];
      return { requests: { ...counts }, failures: [...failures] };
    },
  };
}
