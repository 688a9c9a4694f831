import { Registry } from 'prom-client';

/** A rendered metrics page and the content type to serve it with. */
export interface Exposition {
  /** `text/plain; version=0.0.4; charset=utf-8` or the OpenMetrics content type. */
  readonly contentType: string;
  /** The page body. */
  readonly body: string;
}

/** The mutable view of a prom-client metric used to restore counter names. */
interface NamedMetric {
  name: string;
  readonly type: string;
}

/** Whether an `Accept` header asks for OpenMetrics (`application/openmetrics-text`, q > 0). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined || !accept.includes('openmetrics')) return false;
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (type !== 'application/openmetrics-text') continue;
    const q = params.find((p) => p.startsWith('q='));
    if (q === undefined || Number(q.slice(2)) > 0) return true;
  }
  return false;
}

/**
 * Renders `registry` in the requested format. prom-client switches format per registry and, for
 * OpenMetrics, rewrites counter names in place; so renders are serialized and names restored.
 */
export function createExposer(registry: Registry): (accept?: string) => Promise<Exposition> {
  let queue: Promise<unknown> = Promise.resolve();
  const render = async (openMetrics: boolean): Promise<Exposition> => {
    if (!openMetrics) return { contentType: Registry.PROMETHEUS_CONTENT_TYPE, body: await registry.metrics() };
    const counters = (registry.getMetricsAsArray() as unknown as NamedMetric[]).filter((m) => m.type === 'counter');
    const names = counters.map((m) => m.name);
    const previous = registry.contentType;
    const switchable = registry as unknown as { setContentType(type: string): void };
    switchable.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    try {
      return { contentType: Registry.OPENMETRICS_CONTENT_TYPE, body: await registry.metrics() };
    } finally {
      switchable.setContentType(previous);
      counters.forEach((m, i) => {
        m.name = names[i] ?? m.name;
      });
    }
  };
  return (accept?: string): Promise<Exposition> => {
    const result = queue.then(() => render(wantsOpenMetrics(accept)));
    queue = result.catch(() => undefined);
    return result;
  };
}
