import { EventEmitter } from 'node:events';
import CircuitBreaker from 'opossum';
import type { Clock, TimerHandle } from './clock.ts';

/** State of one origin's circuit breaker. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Outcome of an attempt as the breaker sees it. @internal */
export type BreakerOutcome = 'success' | 'failure' | 'ignore';

/** A permission to send one attempt, returned by {@link OriginBreaker.tryAcquire}. @internal */
export interface BreakerPermit {
  readonly trial: boolean;
  readonly generation: number;
}

/** Breaker settings after defaults. @internal */
export interface OriginBreakerSettings {
  readonly failureRatio: number;
  readonly minimumVolume: number;
  readonly windowMs: number;
  readonly buckets: number;
  readonly resetTimeoutMs: number;
  readonly halfOpenMaxCalls: number;
}

/** Rejection that tells opossum an attempt failed (never surfaces to callers). */
const FAILED = new Error('upstream failure');
const OK: Promise<void> = Promise.resolve();
const noop = (): void => {};
/** Longest timer Node accepts; opossum's own reset timer is parked there (we own half-open). */
const NEVER_MS = 2 ** 31 - 1;

/**
 * A circuit breaker for one upstream origin. opossum keeps the rolling window and decides when
 * the failure ratio opens the breaker; this class owns the rest, because opossum gets it wrong for
 * an HTTP client (see docs/decisions/0002-client-breaker-on-opossum.md):
 * - half-open admits at most `halfOpenMaxCalls` trials (a permit counter, opossum #819);
 * - the open → half-open timer runs on the injected clock and re-arms when a trial fails;
 * - results of calls that started before the breaker opened are dropped (a late success must not
 *   close a half-open breaker), and so are outcomes that say nothing about the upstream (aborts);
 * - the window is cleared when the breaker closes, so old failures cannot re-open it at once;
 * - opossum's `timeout` is disabled: attempts carry their own timeouts.
 * @internal
 */
export class OriginBreaker {
  readonly #cb: CircuitBreaker<[BreakerOutcome], void>;
  readonly #rotator = new EventEmitter();
  readonly #clock: Clock;
  readonly #settings: OriginBreakerSettings;
  readonly #onTransition: (from: BreakerState, to: BreakerState) => void;
  #state: BreakerState = 'closed';
  #generation = 0;
  #trials = 0;
  #resetTimer: TimerHandle;
  #rotateTimer: TimerHandle;
  #closed = false;

  constructor(settings: OriginBreakerSettings, clock: Clock, onTransition: (from: BreakerState, to: BreakerState) => void) {
    this.#settings = settings;
    this.#clock = clock;
    this.#onTransition = onTransition;
    this.#cb = new CircuitBreaker((outcome: BreakerOutcome) => (outcome === 'failure' ? Promise.reject(FAILED) : OK), {
      timeout: false,
      resetTimeout: NEVER_MS,
      errorThresholdPercentage: settings.failureRatio * 100,
      volumeThreshold: settings.minimumVolume,
      rollingCountTimeout: settings.windowMs,
      rollingCountBuckets: settings.buckets,
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      rotateBucketController: this.#rotator,
    });
    this.#cb.on('open', () => {
      if (this.#state === 'closed') this.#toOpen();
    });
    this.#scheduleRotate();
  }

  /** Current state. */
  get state(): BreakerState {
    return this.#state;
  }

  /** Permission for one attempt, or `undefined` to fail fast. */
  tryAcquire(): BreakerPermit | undefined {
    if (this.#state === 'closed') return { trial: false, generation: this.#generation };
    if (this.#state === 'open' || this.#trials >= this.#settings.halfOpenMaxCalls) return undefined;
    this.#trials++;
    return { trial: true, generation: this.#generation };
  }

  /** Reports the outcome of an attempt sent under `permit`. */
  record(permit: BreakerPermit, outcome: BreakerOutcome): void {
    if (this.#closed || permit.generation !== this.#generation) return;
    if (!permit.trial) {
      if (this.#state !== 'closed' || outcome === 'ignore') return;
      if (outcome === 'success') {
        // A success cannot open the breaker: count it in opossum's window without the event and
        // promise machinery of fire() (the hot path of every call).
        this.#cb.status.increment('fires');
        this.#cb.status.increment('successes');
      } else {
        this.#cb.fire(outcome).catch(noop);
      }
      return;
    }
    this.#trials--;
    if (outcome === 'success') {
      this.#cb.close();
      this.#clearWindow();
      this.#generation++;
      this.#trials = 0;
      this.#transition('closed');
    } else if (outcome === 'failure') {
      this.#toOpen();
    }
  }

  /** Stops the timers and opossum's listeners. */
  close(): void {
    this.#closed = true;
    if (this.#resetTimer !== undefined) this.#clock.clearTimeout(this.#resetTimer);
    if (this.#rotateTimer !== undefined) this.#clock.clearTimeout(this.#rotateTimer);
    this.#cb.shutdown();
  }

  #toOpen(): void {
    this.#generation++;
    this.#trials = 0;
    if (this.#resetTimer !== undefined) this.#clock.clearTimeout(this.#resetTimer);
    this.#resetTimer = this.#clock.setTimeout(() => {
      this.#resetTimer = undefined;
      if (this.#closed || this.#state !== 'open') return;
      this.#generation++;
      this.#transition('half-open');
    }, this.#settings.resetTimeoutMs);
    this.#transition('open');
  }

  #transition(to: BreakerState): void {
    const from = this.#state;
    this.#state = to;
    this.#onTransition(from, to);
  }

  #clearWindow(): void {
    for (let i = 0; i < this.#settings.buckets; i++) this.#rotator.emit('rotate');
  }

  #scheduleRotate(): void {
    this.#rotateTimer = this.#clock.setTimeout(() => {
      if (this.#closed) return;
      this.#rotator.emit('rotate');
      this.#scheduleRotate();
    }, this.#settings.windowMs / this.#settings.buckets);
  }
}
