import { InvalidOptionError } from '../errors.ts';
import type { HealthCheckDefinition, ProbeKind } from './types.ts';

/**
 * Options every dependency check takes ({@link createPostgresCheck}, {@link createRedisCheck}, and
 * `createUpstreamCheck` in `@podkit/http`).
 */
export interface DependencyCheckOptions {
  /** Check name: the `check` metric label and the key in probe reports. */
  readonly name?: string;
  /** Time after which a check that has not answered counts as failed (its signal aborts). */
  readonly timeoutMs?: number;
  /** How often the check runs in the background. @default 5000 (or `HealthOptions.defaultIntervalMs`) */
  readonly intervalMs?: number;
  /**
   * Whether a failure takes the probe down. Pass `false` for a dependency the service can do
   * without (a cache): the failure is reported and counted, the pod stays in rotation.
   * @default true
   */
  readonly critical?: boolean;
  /**
   * Probes the check counts for. A dependency check never counts for liveness: restarting the
   * pod does not fix a database outage, and every pod would restart at once (`'liveness'` is
   * rejected with `InvalidOptionError`).
   * @default ['readiness']
   */
  readonly kinds?: readonly ('readiness' | 'startup')[];
}

/** Defaults of one kind of dependency check. @internal */
export interface DependencyCheckDefaults {
  readonly name: string;
  readonly timeoutMs: number;
  /** What the dependency is called in messages, e.g. `PostgreSQL`. */
  readonly label: string;
}

/**
 * Builds a readiness check around `probe` with the options validated, liveness refused, and at
 * most one probe outstanding: while the previous probe has not settled (a paused connection can
 * hold a query past its timeout, and most drivers cannot cancel it), the next run fails at once
 * instead of queueing another query on the stuck connection or pool.
 * @internal
 */
export function dependencyCheck(
  defaults: DependencyCheckDefaults,
  options: DependencyCheckOptions,
  probe: (signal: AbortSignal) => unknown,
  now: () => number = Date.now,
): HealthCheckDefinition {
  const kinds: readonly ProbeKind[] = options.kinds ?? ['readiness'];
  if (kinds.length === 0) throw new InvalidOptionError('kinds', 'must name at least one probe (readiness or startup)');
  for (const kind of kinds as readonly string[]) {
    if (kind === 'liveness') {
      throw new InvalidOptionError(
        'kinds',
        `a ${defaults.label} check never counts for liveness: a restart does not fix the dependency, and every pod would restart at once`,
      );
    }
    if (kind !== 'readiness' && kind !== 'startup') throw new InvalidOptionError('kinds', `expected 'readiness' or 'startup', got ${JSON.stringify(kind)}`);
  }
  const name = options.name ?? defaults.name;
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError('name', `must be a non-empty string, got ${JSON.stringify(name)}`);
  let outstandingSince: number | undefined;
  return {
    name,
    kinds,
    timeoutMs: options.timeoutMs ?? defaults.timeoutMs,
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    critical: options.critical ?? true,
    check(signal: AbortSignal): Promise<unknown> {
      if (outstandingSince !== undefined) {
        const ms = Math.max(0, now() - outstandingSince);
        return Promise.reject(new Error(`${defaults.label} has not answered the previous check (sent ${String(ms)} ms ago); not sending another`));
      }
      const started = now();
      outstandingSince = started;
      const result = Promise.resolve().then(() => probe(signal));
      const settle = (): void => {
        if (outstandingSince === started) outstandingSince = undefined;
      };
      result.then(settle, settle);
      return result;
    },
  };
}
