import { InvalidOptionError } from '../errors.ts';
import type { HealthCheckDefinition, ProbeKind } from './types.ts';

/**
 * Options every dependency check takes ({@link createPostgresCheck}, {@link createRedisCheck},
 * {@link createDependencyCheck}, and `createUpstreamCheck` in `@podkit/http`).
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

/** What {@link createDependencyCheck} is given: the options plus the check's name. */
export interface DependencyCheckSpec extends DependencyCheckOptions {
  /** Check name: the `check` metric label and the key in probe reports. */
  readonly name: string;
  /** @default 2000 */
  readonly timeoutMs?: number;
  /** What the dependency is called in messages, e.g. `PostgreSQL`. @default name */
  readonly label?: string;
}

/**
 * A readiness check for any dependency, from a `probe` that resolves when the dependency answers
 * (what {@link createPostgresCheck} and {@link createRedisCheck} are built on; use it for a
 * broker, a search index, an SDK client). The options are validated here, liveness is refused,
 * and at most one probe is outstanding: while the previous probe has not settled (a paused
 * connection can hold a request past the check's timeout, and most drivers cannot cancel it),
 * the next run fails at once instead of queueing another request on the stuck connection. The
 * probe receives the check's `AbortSignal`, aborted at the timeout.
 *
 * @example
 * ```ts
 * service.health.register(createDependencyCheck({ name: 'rabbitmq', label: 'RabbitMQ', timeoutMs: 1000 },
 *   () => channel.checkQueue('orders')));
 * ```
 */
export function createDependencyCheck(spec: DependencyCheckSpec, probe: (signal: AbortSignal) => unknown): HealthCheckDefinition {
  const label = spec.label ?? spec.name;
  const kinds: readonly ProbeKind[] = spec.kinds ?? ['readiness'];
  if (!Array.isArray(kinds) || kinds.length === 0) throw new InvalidOptionError('kinds', 'must name at least one probe (readiness or startup)');
  for (const kind of kinds as readonly string[]) {
    if (kind === 'liveness') {
      throw new InvalidOptionError('kinds', `a check on ${label} never counts for liveness: a restart does not fix the dependency, and every pod would restart at once`);
    }
    if (kind !== 'readiness' && kind !== 'startup') throw new InvalidOptionError('kinds', `expected 'readiness' or 'startup', got ${JSON.stringify(kind)}`);
  }
  if (typeof spec.name !== 'string' || spec.name === '') throw new InvalidOptionError('name', `must be a non-empty string, got ${JSON.stringify(spec.name)}`);
  let outstandingSince: number | undefined;
  return {
    name: spec.name,
    kinds,
    timeoutMs: spec.timeoutMs ?? 2000,
    ...(spec.intervalMs === undefined ? {} : { intervalMs: spec.intervalMs }),
    critical: spec.critical ?? true,
    check(signal: AbortSignal): Promise<unknown> {
      if (outstandingSince !== undefined) {
        const ms = Math.max(0, Date.now() - outstandingSince);
        return Promise.reject(new Error(`${label} has not answered the previous check (sent ${String(ms)} ms ago); not sending another`));
      }
      const started = Date.now();
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
