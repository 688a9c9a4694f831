import { createDependencyCheck } from '@podkit/core';
import type { DependencyCheckOptions, HealthCheckDefinition } from '@podkit/core';
import type { HttpClient } from './create-client.ts';

/** Options of {@link createUpstreamCheck}. */
export interface UpstreamCheckOptions extends DependencyCheckOptions {
  /** @default `upstream:${client.name}` */
  readonly name?: string;
  /**
   * Also the call's deadline, so the client itself cuts a slow answer (and its signal aborts).
   * @default 2000
   */
  readonly timeoutMs?: number;
  /**
   * A cheap path of the upstream to `GET` on each run (a status `< 400` passes; the body is
   * discarded). Pick one that does not check the upstream's own dependencies (not its `/ready`:
   * that chains every service's readiness to its callees'). Without it, the check only reads
   * the circuit breaker state: no network call, but it reflects recent traffic only.
   * @default undefined (breaker state)
   */
  readonly path?: string;
}

/** The part of a podkit {@link HttpClient} the check uses. */
export type UpstreamCheckClient = Pick<HttpClient, 'name' | 'get' | 'breakerState'>;

/**
 * A readiness check on an upstream reached through a podkit client (`createClient`). With a
 * `path`, each run sends `GET path` through the client (retries, breaker and deadline included;
 * an open breaker fails it at once, without a network call). Without one, it reads the breaker:
 * down when no origin's breaker is closed (every replica open or half-open). Never counts for
 * liveness: restarting this pod does not fix its upstream.
 *
 * Pass `critical: false` when the service still does useful work without the upstream (a
 * gateway serving other routes): the failure is reported and counted, the pod stays in rotation.
 *
 * @example
 * ```ts
 * const posts = createClient({ name: 'posts', baseUrl: 'http://posts' });
 * service.health.register(createUpstreamCheck(posts, { path: '/health', critical: false }));
 * ```
 */
export function createUpstreamCheck(client: UpstreamCheckClient, options: UpstreamCheckOptions = {}): HealthCheckDefinition {
  const timeoutMs = options.timeoutMs ?? 2000;
  const path = options.path;
  const label = `upstream ${client.name}`;
  const spec = { label, ...options, name: options.name ?? `upstream:${client.name}`, timeoutMs };
  if (path !== undefined) {
    return createDependencyCheck(spec, async (signal) => {
      const response = await client.get(path, { signal, timeoutMs });
      await response.dump();
    });
  }
  return createDependencyCheck(spec, () => {
    const { state, origins } = client.breakerState();
    if (state === 'open' || state === 'half-open' || (state === 'partial' && !Object.values(origins).includes('closed'))) {
      const detail = Object.entries(origins)
        .map(([origin, s]) => `${origin} ${s}`)
        .join(', ');
      throw new Error(`circuit breaker of ${label} is not closed for any origin (${detail})`);
    }
  });
}
