import type { Logger } from '@podkit/core';
import type { ConsumerDrainResult, ConsumerService, HandlerContext, MessageOutcome } from '../types.ts';
import { consumerMetrics, countOutcome } from './metrics.ts';

/** One received message, as an adapter hands it to the runner: how to settle it with the broker. */
export interface Delivery {
  /** Message id for logs. */
  readonly messageId: string;
  /** Which delivery of this message this is, from 1. */
  readonly deliveries: number;
  /** The handler finished: acknowledge (resolves once the broker has it, where it can tell). */
  ack(): Promise<void> | void;
  /** The handler failed, deliveries left: give it back for another delivery. */
  retry(): Promise<void> | void;
  /** The handler failed on the last allowed delivery: dead-letter it. */
  deadLetter(reason: string): Promise<void> | void;
  /** Shutdown: give it back unhandled (or cut), without counting a failure. */
  release(): Promise<void> | void;
}

/** What the runner needs from an adapter. */
export interface RunnerOptions<M> {
  readonly name: string;
  readonly service: ConsumerService;
  readonly handler: (message: M, context: HandlerContext) => Promise<void> | void;
  readonly maxDeliveries: number;
  /** Stops the broker sending more messages (cancel the consumer / stop pulling). */
  readonly stopIntake: () => Promise<void> | void;
}

/** Deadline and signal of one drain. */
export interface DrainBounds {
  /** Epoch ms by which unfinished messages must be back with the broker. @default none */
  readonly deadline?: number;
  /** Aborts the wait at once. @default none */
  readonly signal?: AbortSignal;
}

/** The broker-independent part of a consumer: bounded in-flight handlers, outcomes, the drain. */
export interface Runner<M> {
  readonly log: Logger;
  readonly inFlight: number;
  readonly stopped: boolean;
  /** Runs the handler for `message` (or releases it at once when intake has stopped). */
  accept(delivery: Delivery, message: M): void;
  /** Resolves when fewer than `limit` handlers run, or intake stopped. */
  waitForSlot(limit: number): Promise<void>;
  stopIntake(): Promise<void>;
  drain(bounds?: DrainBounds): Promise<ConsumerDrainResult>;
}

interface Entry {
  readonly delivery: Delivery;
  readonly controller: AbortController;
  settled: boolean;
}

/**
 * Part of the deadline kept to hand cut messages back before the lifecycle moves on to the hooks
 * (which close the connection): 10 % of what is left, at most 500 ms.
 */
function releaseMargin(remainingMs: number): number {
  return Math.min(500, Math.max(0, remainingMs * 0.1));
}

/** Creates the runner of one consumer. */
export function createRunner<M>(options: RunnerOptions<M>): Runner<M> {
  const { name, handler, maxDeliveries } = options;
  const log = options.service.logger.child({ component: 'consumer', consumer: name });
  const metrics = consumerMetrics(options.service.metrics);
  const running = new Set<Entry>();
  const changed = new Set<() => void>();
  let stopped = false;
  let stopping: Promise<void> | undefined;
  let released = 0;

  const notify = (): void => {
    metrics.inFlight.set({ consumer: name }, running.size);
    for (const wake of [...changed]) wake();
  };

  async function settle(entry: Entry, outcome: MessageOutcome, action: () => Promise<void> | void): Promise<void> {
    if (entry.settled) return;
    entry.settled = true;
    try {
      await action();
      countOutcome(metrics, name, outcome);
    } catch (err) {
      log.error({ err, messageId: entry.delivery.messageId, outcome }, 'could not settle the message with the broker; it will be redelivered');
    }
  }

  async function run(entry: Entry, message: M): Promise<void> {
    const { delivery } = entry;
    const end = metrics.duration.startTimer({ consumer: name });
    try {
      await handler(message, { signal: entry.controller.signal, deliveries: delivery.deliveries, messageId: delivery.messageId });
      end({ result: 'success' });
      await settle(entry, 'success', () => delivery.ack());
    } catch (err) {
      end({ result: 'error' });
      const last = delivery.deliveries >= maxDeliveries;
      const fields = { err, messageId: delivery.messageId, deliveries: delivery.deliveries, maxDeliveries };
      if (entry.settled) log.warn(fields, 'message handler failed after its message was returned to the broker');
      else if (last) log.error(fields, 'message handler failed on the last allowed delivery; dead-lettering the message');
      else log.error(fields, 'message handler failed; the message will be redelivered');
      const reason = `handler failed on delivery ${String(delivery.deliveries)} of ${String(maxDeliveries)}`;
      await settle(entry, last ? 'dead_letter' : 'retry', () => (last ? delivery.deadLetter(reason) : delivery.retry()));
    } finally {
      running.delete(entry);
      notify();
    }
  }

  function waitFor(condition: () => boolean, bounds: DrainBounds = {}): Promise<void> {
    if (condition() || bounds.signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (): void => {
        changed.delete(check);
        bounds.signal?.removeEventListener('abort', done);
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      };
      const check = (): void => {
        if (condition()) done();
      };
      changed.add(check);
      bounds.signal?.addEventListener('abort', done, { once: true });
      if (bounds.deadline !== undefined) {
        const remaining = bounds.deadline - Date.now();
        // A drain the caller awaits: this timer keeps the process alive until it fires or is cleared.
        timer = setTimeout(done, Math.max(0, remaining - releaseMargin(remaining)));
      }
    });
  }

  const runner: Runner<M> = {
    log,
    get inFlight() {
      return running.size;
    },
    get stopped() {
      return stopped;
    },
    accept(delivery: Delivery, message: M): void {
      if (stopped) {
        released += 1;
        void settle({ delivery, controller: new AbortController(), settled: false }, 'released', () => delivery.release());
        return;
      }
      const entry: Entry = { delivery, controller: new AbortController(), settled: false };
      running.add(entry);
      notify();
      void run(entry, message);
    },
    waitForSlot(limit: number): Promise<void> {
      return waitFor(() => stopped || running.size < limit);
    },
    stopIntake(): Promise<void> {
      if (stopping === undefined) {
        stopped = true;
        notify();
        stopping = (async (): Promise<void> => {
          try {
            await options.stopIntake();
            log.info({ inFlight: running.size }, 'consumer stopped taking messages');
          } catch (err) {
            log.error({ err }, 'could not stop the consumer cleanly; unacked messages return to the broker when the channel closes');
          }
        })();
      }
      return stopping;
    },
    async drain(bounds: DrainBounds = {}): Promise<ConsumerDrainResult> {
      await runner.stopIntake();
      await waitFor(() => running.size === 0, bounds);
      const cut = [...running].filter((entry) => !entry.settled);
      for (const entry of cut) entry.controller.abort(new Error('drain deadline reached'));
      await Promise.all(cut.map((entry) => settle(entry, 'released', () => entry.delivery.release())));
      if (cut.length > 0) log.warn({ cut: cut.length }, 'drain deadline reached: unfinished messages were returned to the broker');
      return { completed: cut.length === 0, cut: cut.length, released };
    },
  };
  return runner;
}
