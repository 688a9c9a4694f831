import type { Service } from '@podkit/core';
import { createClient, type HttpClient } from '@podkit/http';
import type { ServiceContext } from './definition.ts';
import type { LiveConfig } from './reload.ts';

/** Default timeout of a hook added with `ctx.onShutdown`. */
const HOOK_TIMEOUT_MS = 1_000;
/** Timeout of the one hook closing every upstream client (their calls ended with the drain). */
const CLIENTS_TIMEOUT_MS = 1_000;

/**
 * The context `setup` receives: the config, the service and its parts, and openers whose
 * resources are closed by lifecycle hooks inside the shutdown budget. @internal
 */
export function createContext<C>(service: Service, live: LiveConfig<C>, env: Readonly<Record<string, string | undefined>>): ServiceContext<C> {
  const { lifecycle } = service;
  const clients: HttpClient[] = [];
  return {
    config: live.current(),
    currentConfig: () => live.current(),
    service,
    logger: service.logger,
    metrics: service.metrics,
    env,
    client(name, baseUrl, options) {
      const client = createClient({ ...options, service, name, baseUrl });
      if (clients.push(client) === 1) {
        lifecycle.addHook({
          name: 'upstream-clients',
          run: async () => void (await Promise.all(clients.map((c) => c.close()))),
          timeoutMs: CLIENTS_TIMEOUT_MS,
        });
      }
      return client;
    },
    onShutdown(name, fn, options) {
      lifecycle.addHook({ name, run: () => fn(), timeoutMs: options?.timeoutMs ?? HOOK_TIMEOUT_MS });
    },
    onConfigChange: (listener) => live.onChange(listener),
  };
}
