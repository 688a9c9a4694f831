import type { Registry, RegistryContentType } from 'prom-client';
import { systemClock } from './clock.ts';
import type { Clock, RandomSource } from './clock.ts';
import { InvalidClientOptionsError } from './errors.ts';
import { parseOrigins } from './origins.ts';
import type { UpstreamTarget } from './origins.ts';
import type { ClientLogger, ClientOptions } from './options.ts';

/** Every option with its default applied, validated together and frozen. @internal */
export interface ResolvedClientOptions {
  readonly name: string;
  readonly targets: readonly UpstreamTarget[];
  readonly registry: Registry<RegistryContentType> | undefined;
  readonly logger: ClientLogger | undefined;
  readonly pool: { readonly connections: number; readonly keepAliveTimeoutMs: number; readonly pipelining: number };
  readonly timeouts: { readonly connectMs: number; readonly headersMs: number; readonly bodyMs: number; readonly deadlineMs: number; readonly deadlineMarginMs: number };
  readonly ejection: { readonly durationMs: number; readonly maxEjectedRatio: number } | false;
  readonly retry: { readonly maxAttempts: number; readonly baseDelayMs: number; readonly maxDelayMs: number; readonly retryStatuses: ReadonlySet<number> };
  readonly budget: { readonly ratio: number; readonly minPerSecond: number; readonly windowMs: number } | false;
  readonly breaker:
    | { readonly failureRatio: number; readonly minimumVolume: number; readonly windowMs: number; readonly buckets: number; readonly resetTimeoutMs: number; readonly halfOpenMaxCalls: number }
    | false;
  readonly bulkhead: { readonly maxConcurrent: number; readonly maxQueue: number } | false;
  readonly headers: Readonly<Record<string, string>>;
  readonly snippetBytes: number;
  readonly clock: Clock;
  readonly random: RandomSource;
}

/** The defaults, one table (see docs/http-client.md for the reasons). */
export const CLIENT_DEFAULTS: {
  readonly pool: { readonly connections: 100; readonly keepAliveTimeoutMs: 4000; readonly pipelining: 1 };
  readonly timeouts: { readonly connectMs: 2000; readonly headersMs: 5000; readonly bodyMs: 10000; readonly deadlineMs: 15000; readonly deadlineMarginMs: 10 };
  readonly ejection: { readonly durationMs: 5000; readonly maxEjectedRatio: 0.5 };
  readonly retry: { readonly maxAttempts: 3; readonly baseDelayMs: 100; readonly maxDelayMs: 2000; readonly retryStatuses: readonly number[] };
  readonly budget: { readonly ratio: 0.2; readonly minPerSecond: 10; readonly windowMs: 10000 };
  readonly breaker: { readonly failureRatio: 0.5; readonly minimumVolume: 20; readonly windowMs: 10000; readonly buckets: 10; readonly resetTimeoutMs: 5000; readonly halfOpenMaxCalls: 1 };
  readonly snippetBytes: 1024;
} = Object.freeze({
  pool: { connections: 100, keepAliveTimeoutMs: 4000, pipelining: 1 },
  timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 10000, deadlineMs: 15000, deadlineMarginMs: 10 },
  ejection: { durationMs: 5000, maxEjectedRatio: 0.5 },
  retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 2000, retryStatuses: Object.freeze([408, 429, 502, 503, 504]) },
  budget: { ratio: 0.2, minPerSecond: 10, windowMs: 10000 },
  breaker: { failureRatio: 0.5, minimumVolume: 20, windowMs: 10000, buckets: 10, resetTimeoutMs: 5000, halfOpenMaxCalls: 1 },
  snippetBytes: 1024,
} as const);

/** Worst-case total backoff `maxAttempts` allows (every jitter at its cap). @internal */
export function maxTotalBackoffMs(maxAttempts: number, baseDelayMs: number, maxDelayMs: number): number {
  let total = 0;
  for (let retry = 1; retry < maxAttempts; retry++) total += Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  return total;
}

/**
 * Applies defaults and validates every option, alone and together.
 * @throws InvalidClientOptionsError naming the key, the value and the reason
 * @internal
 */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  const name = options.name;
  if (typeof name !== 'string' || !/^[a-zA-Z][\w.-]*$/.test(name)) {
    throw new InvalidClientOptionsError(String(name), 'name', `must be a non-empty identifier (letters, digits, _ . -), got ${JSON.stringify(name)}`);
  }
  const check = (key: string, value: number, ok: boolean, rule: string): number => {
    if (!ok || !Number.isFinite(value)) throw new InvalidClientOptionsError(name, key, `must be ${rule}, got ${String(value)}`);
    return value;
  };
  const int = (key: string, value: number, min: number): number => check(key, value, Number.isInteger(value) && value >= min, `an integer >= ${min}`);
  const pos = (key: string, value: number): number => check(key, value, value > 0, 'a number > 0');

  if ((options.baseUrl === undefined) === (options.origins === undefined)) {
    throw new InvalidClientOptionsError(name, 'baseUrl', 'or origins is required (exactly one of them)');
  }
  const targets = parseOrigins(name, options.origins ?? (options.baseUrl ?? '').split(','));

  const p = { ...CLIENT_DEFAULTS.pool, ...options.pool };
  const pool = {
    connections: int('pool.connections', p.connections, 1),
    keepAliveTimeoutMs: pos('pool.keepAliveTimeoutMs', p.keepAliveTimeoutMs),
    pipelining: int('pool.pipelining', p.pipelining, 1),
  };
  const t = { ...CLIENT_DEFAULTS.timeouts, ...options.timeouts };
  const timeouts = {
    connectMs: pos('timeouts.connectMs', t.connectMs),
    headersMs: pos('timeouts.headersMs', t.headersMs),
    bodyMs: pos('timeouts.bodyMs', t.bodyMs),
    deadlineMs: pos('timeouts.deadlineMs', t.deadlineMs),
    deadlineMarginMs: check('timeouts.deadlineMarginMs', t.deadlineMarginMs, t.deadlineMarginMs >= 0, 'a number >= 0'),
  };
  let ejection: ResolvedClientOptions['ejection'] = false;
  if (options.ejection !== false) {
    const e = { ...CLIENT_DEFAULTS.ejection, ...options.ejection };
    ejection = Object.freeze({
      durationMs: pos('ejection.durationMs', e.durationMs),
      maxEjectedRatio: check('ejection.maxEjectedRatio', e.maxEjectedRatio, e.maxEjectedRatio > 0 && e.maxEjectedRatio <= 1, 'in (0, 1]'),
    });
  }
  const r = options.retry === false ? { ...CLIENT_DEFAULTS.retry, maxAttempts: 1 } : { ...CLIENT_DEFAULTS.retry, ...options.retry };
  const retry = {
    maxAttempts: int('retry.maxAttempts', r.maxAttempts, 1),
    baseDelayMs: check('retry.baseDelayMs', r.baseDelayMs, r.baseDelayMs >= 0, 'a number >= 0'),
    maxDelayMs: check('retry.maxDelayMs', r.maxDelayMs, r.maxDelayMs >= r.baseDelayMs, `a number >= retry.baseDelayMs (${r.baseDelayMs})`),
    retryStatuses: new Set(r.retryStatuses),
  };
  for (const s of retry.retryStatuses) int('retry.retryStatuses[]', s, 100);
  const firstAttemptMs = timeouts.connectMs + timeouts.headersMs;
  const backoff = maxTotalBackoffMs(retry.maxAttempts, retry.baseDelayMs, retry.maxDelayMs);
  if (timeouts.deadlineMs < timeouts.headersMs + backoff) {
    throw new InvalidClientOptionsError(
      name,
      'timeouts.deadlineMs',
      `(${timeouts.deadlineMs}) must leave room for one attempt's headers timeout (${timeouts.headersMs}) plus the worst-case backoff of ${retry.maxAttempts} attempts (${backoff} ms)`,
    );
  }
  let budget: ResolvedClientOptions['budget'] = false;
  if (options.budget !== false) {
    const b = { ...CLIENT_DEFAULTS.budget, ...options.budget };
    budget = {
      ratio: check('budget.ratio', b.ratio, b.ratio >= 0 && b.ratio <= 1, 'between 0 and 1'),
      minPerSecond: check('budget.minPerSecond', b.minPerSecond, b.minPerSecond >= 0, 'a number >= 0'),
      windowMs: check('budget.windowMs', b.windowMs, b.windowMs >= 1000, 'a number >= 1000'),
    };
  }
  let breaker: ResolvedClientOptions['breaker'] = false;
  if (options.breaker !== false) {
    const k = { ...CLIENT_DEFAULTS.breaker, ...options.breaker };
    breaker = {
      failureRatio: check('breaker.failureRatio', k.failureRatio, k.failureRatio > 0 && k.failureRatio <= 1, 'in (0, 1]'),
      minimumVolume: int('breaker.minimumVolume', k.minimumVolume, 2),
      windowMs: pos('breaker.windowMs', k.windowMs),
      buckets: int('breaker.buckets', k.buckets, 1),
      resetTimeoutMs: pos('breaker.resetTimeoutMs', k.resetTimeoutMs),
      halfOpenMaxCalls: int('breaker.halfOpenMaxCalls', k.halfOpenMaxCalls, 1),
    };
    if (breaker.windowMs <= firstAttemptMs) {
      throw new InvalidClientOptionsError(
        name,
        'breaker.windowMs',
        `(${breaker.windowMs}) must be longer than one attempt's connect + headers timeout (${firstAttemptMs} ms), or a timed-out call is counted after its window has rolled away`,
      );
    }
  }
  let bulkhead: ResolvedClientOptions['bulkhead'] = false;
  if (options.bulkhead !== false) {
    const maxConcurrent = int('bulkhead.maxConcurrent', options.bulkhead?.maxConcurrent ?? pool.connections * targets.length, 1);
    bulkhead = { maxConcurrent, maxQueue: int('bulkhead.maxQueue', options.bulkhead?.maxQueue ?? maxConcurrent, 0) };
  }
  const snippetBytes = int('snippetBytes', options.snippetBytes ?? CLIENT_DEFAULTS.snippetBytes, 0);
  return Object.freeze({
    name,
    targets,
    registry: options.registry ?? options.service?.metrics?.registry,
    logger: options.logger ?? options.service?.logger,
    pool: Object.freeze(pool),
    timeouts: Object.freeze(timeouts),
    ejection,
    retry: Object.freeze(retry),
    budget: budget && Object.freeze(budget),
    breaker: breaker && Object.freeze(breaker),
    bulkhead: bulkhead && Object.freeze(bulkhead),
    headers: Object.freeze({ ...options.headers }),
    snippetBytes,
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
  });
}
