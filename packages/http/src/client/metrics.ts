import { Counter, Gauge } from 'prom-client';
import type { Registry, RegistryContentType } from 'prom-client';
import type { BreakerState } from './breaker.ts';
import { CallSeriesMetrics } from './call-series-metrics.ts';
import type { CallSeries } from './call-series-metrics.ts';

/** Numeric value of a breaker state in `http_client_breaker_state`. */
const STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };

function getOrCreate<T>(registry: Registry<RegistryContentType>, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

/**
 * The client's metrics on an injected registry. Metric objects are shared by every client on the
 * same registry (told apart by the `client` label). The per-call request count and duration go
 * through {@link CallSeriesMetrics} (no label hashing per call); the rest are prom-client metrics.
 * @internal
 */
export class ClientMetrics {
  readonly #client: string;
  readonly #calls: CallSeriesMetrics;
  readonly #retries: Counter<'client' | 'reason'>;
  readonly #breakerState: Gauge<'client' | 'origin'>;
  readonly #transitions: Counter<'client' | 'origin' | 'from' | 'to'>;
  readonly #budgetRejections: Counter<'client'>;
  readonly #bulkheadRejections: Counter<'client'>;
  /** Series by method, then status: two lookups, no string building per call. */
  readonly #children = new Map<string, Map<string, CallSeries>>();

  constructor(registry: Registry<RegistryContentType>, client: string) {
    this.#client = client;
    const registers = [registry];
    this.#calls = CallSeriesMetrics.for(registry);
    this.#retries = getOrCreate(registry, 'http_client_retries_total', () =>
      new Counter({ name: 'http_client_retries_total', help: 'Retries made by the HTTP client, by reason.', labelNames: ['client', 'reason'], registers }),
    );
    this.#breakerState = getOrCreate(registry, 'http_client_breaker_state', () =>
      new Gauge({ name: 'http_client_breaker_state', help: 'Circuit breaker state per origin: 0 closed, 1 half-open, 2 open.', labelNames: ['client', 'origin'], registers }),
    );
    this.#transitions = getOrCreate(registry, 'http_client_breaker_transitions_total', () =>
      new Counter({ name: 'http_client_breaker_transitions_total', help: 'Circuit breaker state transitions.', labelNames: ['client', 'origin', 'from', 'to'], registers }),
    );
    this.#budgetRejections = getOrCreate(registry, 'http_client_retry_budget_rejections_total', () =>
      new Counter({ name: 'http_client_retry_budget_rejections_total', help: 'Retries refused because the retry budget was spent.', labelNames: ['client'], registers }),
    );
    this.#bulkheadRejections = getOrCreate(registry, 'http_client_bulkhead_rejections_total', () =>
      new Counter({ name: 'http_client_bulkhead_rejections_total', help: 'Calls rejected because the bulkhead queue was full.', labelNames: ['client'], registers }),
    );
  }

  /** Records one finished call. `status` is the HTTP status or an error code. */
  call(method: string, status: string, seconds: number): void {
    let byStatus = this.#children.get(method);
    if (byStatus === undefined) {
      byStatus = new Map();
      this.#children.set(method, byStatus);
    }
    let series = byStatus.get(status);
    if (series === undefined) {
      series = this.#calls.series(this.#client, method, status);
      byStatus.set(status, series);
    }
    series.observe(seconds);
  }

  /** Records a retry. */
  retry(reason: string): void {
    this.#retries.inc({ client: this.#client, reason });
  }

  /** Records a breaker transition and the new state. */
  breaker(origin: string, from: BreakerState, to: BreakerState): void {
    this.#transitions.inc({ client: this.#client, origin, from, to });
    this.#breakerState.set({ client: this.#client, origin }, STATE_VALUE[to]);
  }

  /** Sets the initial breaker state gauge. */
  breakerInit(origin: string): void {
    this.#breakerState.set({ client: this.#client, origin }, 0);
  }

  /** Records a retry refused by the budget. */
  budgetRejected(): void {
    this.#budgetRejections.inc({ client: this.#client });
  }

  /** Records a bulkhead rejection. */
  bulkheadRejected(): void {
    this.#bulkheadRejections.inc({ client: this.#client });
  }
}
