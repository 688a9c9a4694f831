import type { Consumer, ConsumerService } from '../types.ts';
import type { Runner } from './runner.ts';

/** How an adapter plugs a consumer into the service. */
export interface WireOptions {
  readonly name: string;
  readonly service: ConsumerService;
  readonly runner: Runner<never>;
  /** Readiness: throws (with a reason) while the broker connection is down. */
  readonly check: () => void;
  /** Closes what the consumer opened (channel; connection unless told not to). */
  readonly close: () => Promise<void>;
}

/**
 * Wires a consumer into the lifecycle and health: intake stops the moment shutdown begins (no
 * propagation delay: no load balancer sends a queue its messages), a drainer waits for the
 * in-flight handlers within the drain budget, a hook closes the connection, and a readiness check
 * `consumer:<name>` reflects the broker connection. Returns the consumer's public face.
 */
export function wire(options: WireOptions): Consumer {
  const { name, service, runner } = options;
  const removeListener = service.lifecycle.onShutdown(() => void runner.stopIntake());
  const removeDrainer = service.lifecycle.addDrainer({
    name: `consumer ${name}`,
    drain: (ctx) => runner.drain({ deadline: ctx.deadline, signal: ctx.signal }),
  });
  let closed: Promise<void> | undefined;
  const closeOnce = (): Promise<void> => (closed ??= options.close());
  const removeHook = service.lifecycle.addHook({ name: `consumer ${name} connection`, run: closeOnce });
  const unregister = service.health.register({ name: `consumer:${name}`, check: options.check });
  return {
    name,
    get inFlight() {
      return runner.inFlight;
    },
    stopIntake: () => runner.stopIntake(),
    drain: (signal?: AbortSignal) => runner.drain(signal === undefined ? {} : { signal }),
    async close(): Promise<void> {
      await runner.drain();
      removeListener();
      removeDrainer();
      removeHook();
      unregister();
      await closeOnce();
    },
  };
}
