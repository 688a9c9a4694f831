import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
// node:timers' setInterval and node:perf_hooks' performance, not the globals: fake timers in a
// user's tests replace the globals, and a frozen heartbeat would make every turn look endless.
import { setInterval as realSetInterval } from 'node:timers';
import type { ELDHistogram } from 'node:perf_hooks';
import { HttpOptionsError } from './errors.ts';

/**
 * Options of load shedding: on by default in `serve()` (`loadShedding: false` turns it off).
 * Probes and `/metrics` are never shed. Two rules, either sheds a request (503 + `Retry-After`):
 *
 * - the turn rule: the event-loop turn reading the request has already run longer than
 *   `maxEventLoopDelayMs`, at least half of it on the event loop's CPU (not a process the OS
 *   left waiting). A saturated loop then spends about that long (plus one request) per turn on
 *   application requests, instead of every ready request's worth;
 * - the window rule: the median event-loop delay of the last `windowMs` exceeded half of
 *   `maxEventLoopDelayMs` and the event loop's thread was on the CPU at least half of the
 *   window (saturated by its own work for most of the window, not paused once nor left waiting
 *   by the OS), so every request of the next window is shed. Turns become short and the connections waiting
 *   in the accept queue — a kubelet probe among them: Node accepts one connection per turn —
 *   are accepted within the window.
 *
 * Measured in `bench/overload.bench.ts`; figures in `docs/http-server.md`.
 */
export interface LoadSheddingOptions {
  /**
   * The turn rule's limit, in ms; the window rule uses half of it.
   * @default 200
   */
  maxEventLoopDelayMs?: number;
  /**
   * Length of the window rule's window in ms (at least 10); `false` keeps the turn rule only
   * (enough when probes are on `adminPort`, whose accept queue holds only the kubelet's
   * connections).
   * @default 1000
   */
  windowMs?: number | false;
  /** `Retry-After` seconds sent with the 503. @default 1 */
  retryAfterSeconds?: number;
}

/** Source of event-loop delay samples (injectable for tests). @internal */
export interface DelaySampler {
  /** Median delay in milliseconds over the samples since the last reset; 0 without samples. */
  medianMs(): number;
  reset(): void;
  close(): void;
  /** Stops sampling while the server is idle (no timer then). @default no-op */
  pause?(): void;
  /** Samples again after {@link pause}. @default no-op */
  resume?(): void;
}

/** The turn rule's clocks (injectable for tests). @internal */
export interface TurnClock {
  /** Wall clock, ms. */
  now(): number;
  /** CPU time of the main thread (the event loop's), ms. */
  cpuMs(): number;
}

/** How often the start of an event-loop turn is recorded (an unref'ed timer). @internal */
export const TURN_HEARTBEAT_MS = 10;

/**
 * Heartbeats without a request after which the shedder's timers stop (1 s): an idle server
 * wakes up for nothing; the next request starts them again. @internal
 */
export const IDLE_HEARTBEATS = 100;

function eventLoopDelaySampler(): DelaySampler {
  const histogram: ELDHistogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    medianMs: () => (histogram.count > 0 ? histogram.percentile(50) / 1e6 : 0),
    reset: () => histogram.reset(),
    close: () => histogram.disable(),
    pause: () => {
      histogram.disable();
      histogram.reset();
    },
    resume: () => histogram.enable(),
  };
}

// process.threadCpuUsage() (Node >= 23.9) counts the event loop's thread only, not the libuv
// pool (scrypt, zlib) or GC helpers; process.cpuUsage() is the fallback.
const threadCpu = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.bind(process) ?? (() => process.cpuUsage());
const processClock: TurnClock = {
  now: () => performance.now(),
  cpuMs: () => {
    const usage = threadCpu();
    return (usage.user + usage.system) / 1000;
  },
};

/**
 * Decides, per request, whether to shed it. The turn rule: a heartbeat timer (every
 * {@link TURN_HEARTBEAT_MS}, in the loop's timers phase) records when the current turn began;
 * a request read in a turn that has already run longer than the threshold, and used at least
 * half of it on the event loop's CPU, is shed. Its cost is one clock read per request (and a
 * CPU-time read past the threshold). The window rule sets {@link overloaded}.
 *
 * Both rules only matter while requests arrive: after {@link IDLE_HEARTBEATS} heartbeats
 * without one, the timers stop and the delay sampler pauses (an idle pod does no background
 * work for them); the next request starts them again, its turn counted from then.
 * @internal
 */
export class LoadShedder {
  /** Window rule: every new non-probe request is shed while set. */
  overloaded = false;
  /** The `Retry-After` header value. */
  readonly retryAfter: string;
  readonly #maxMs: number;
  readonly #clock: TurnClock;
  readonly #sampler: DelaySampler | undefined;
  readonly #windowMs: number | false;
  #heartbeat: NodeJS.Timeout | undefined;
  #window: NodeJS.Timeout | undefined;
  #turnStart: number;
  #turnCpu: number;
  /** A request was checked since the last heartbeat. */
  #seen = false;
  #idleBeats = 0;
  #closed = false;
  #wall = 0;
  #cpu = 0;

  constructor(options: LoadSheddingOptions, sampler?: DelaySampler, clock: TurnClock = processClock) {
    const maxMs = options.maxEventLoopDelayMs ?? 200;
    const windowMs = options.windowMs ?? 1000;
    const retry = options.retryAfterSeconds ?? 1;
    if (!(maxMs > 0)) throw new HttpOptionsError('loadShedding.maxEventLoopDelayMs', `expected a positive number, got ${String(maxMs)}`);
    if (windowMs !== false && !(windowMs >= 10)) throw new HttpOptionsError('loadShedding.windowMs', `expected a number >= 10, got ${String(windowMs)}`);
    if (!Number.isInteger(retry) || retry < 0) throw new HttpOptionsError('loadShedding.retryAfterSeconds', `expected a non-negative integer, got ${String(retry)}`);
    this.retryAfter = String(retry);
    this.#maxMs = maxMs;
    this.#clock = clock;
    this.#windowMs = windowMs;
    this.#sampler = windowMs === false ? undefined : (sampler ?? eventLoopDelaySampler());
    this.#turnStart = clock.now();
    this.#turnCpu = clock.cpuMs();
    this.#wake();
  }

  /** Whether the timers are stopped because no request came for a while (for tests). */
  get sleeping(): boolean {
    return this.#heartbeat === undefined;
  }

  #wake(): void {
    this.beginTurn();
    this.#idleBeats = 0;
    this.overloaded = false; // a verdict from before the idle period is stale
    this.#heartbeat = realSetInterval(this.#beat, TURN_HEARTBEAT_MS);
    this.#heartbeat.unref();
    const source = this.#sampler;
    if (source === undefined || this.#windowMs === false) return;
    source.resume?.();
    source.reset();
    this.#wall = this.#clock.now();
    this.#cpu = this.#clock.cpuMs();
    this.#window = setInterval(this.#evaluateWindow, this.#windowMs);
    this.#window.unref();
  }

  #sleep(): void {
    clearInterval(this.#heartbeat);
    clearInterval(this.#window);
    this.#heartbeat = undefined;
    this.#window = undefined;
    this.#sampler?.pause?.();
    this.overloaded = false;
  }

  readonly #beat = (): void => {
    this.beginTurn();
    if (this.#seen) {
      this.#seen = false;
      this.#idleBeats = 0;
    } else if (++this.#idleBeats >= IDLE_HEARTBEATS) this.#sleep();
  };

  readonly #evaluateWindow = (): void => {
    const clock = this.#clock;
    const source = this.#sampler!;
    const nowWall = clock.now();
    const nowCpu = clock.cpuMs();
    // Saturated by our own work: delayed most of the window, and busy at least half of it.
    const busy = nowWall > this.#wall ? (nowCpu - this.#cpu) / (nowWall - this.#wall) : 0;
    this.overloaded = source.medianMs() > this.#maxMs / 2 && busy >= 0.5;
    source.reset();
    this.#wall = nowWall;
    this.#cpu = nowCpu;
  };

  /** Records that an event-loop turn begins now (the heartbeat's tick). */
  beginTurn(): void {
    this.#turnStart = this.#clock.now();
    this.#turnCpu = this.#clock.cpuMs();
  }

  /** Whether the request being read now should be shed. */
  shouldShed(): boolean {
    this.#seen = true;
    if (this.#heartbeat === undefined && !this.#closed) this.#wake();
    if (this.overloaded) return true;
    if (this.#clock.now() - this.#turnStart <= this.#maxMs) return false;
    // Past the limit on the clock: shed only if this turn was busy with our own work (a process
    // the OS did not schedule, on a crowded node, is slow but not overloaded).
    return this.#clock.cpuMs() - this.#turnCpu > this.#maxMs / 2;
  }

  /** Stops the timers and sampling. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#window);
    this.#heartbeat = undefined;
    this.#window = undefined;
    this.#sampler?.close();
  }
}
