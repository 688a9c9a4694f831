/** One message of a {@link MemoryQueue}, as a handler receives it. */
export interface MemoryMessage<T> {
  /** The message id (given to `publish`, else generated): the `messageId` of logs. */
  readonly id: string;
  /** What was published. */
  readonly body: T;
  /** Which delivery of this message this is, from 1: every hand-out counts, as in JetStream. */
  readonly deliveries: number;
}

/** A message that failed on its last allowed delivery. */
export interface MemoryDeadLetter<T> {
  /** The message as it was last delivered. */
  readonly message: MemoryMessage<T>;
  /** Why it was dead-lettered (the handler failed on delivery n of m). */
  readonly reason: string;
}

/**
 * An in-process queue: the stand-in broker of tests and single-process local runs. Messages live
 * in memory only (a crash loses them: keep the durable copy upstream, e.g. in an outbox table).
 * Several consumers may share one queue; each message goes to one of them.
 */
export interface MemoryQueue<T> {
  /** The queue's name (log field). */
  readonly name: string;
  /** Messages waiting to be handed out. */
  readonly depth: number;
  /** Messages handed out and not settled yet. */
  readonly unacked: number;
  /** Messages dead-lettered so far, oldest first. */
  readonly deadLetters: readonly MemoryDeadLetter<T>[];
  /** Adds a message at the back of the queue; returns its id. */
  publish(body: T, options?: { readonly id?: string }): string;
}

/** What the memory adapter needs beside the public face: taking and settling messages. */
export interface MemoryQueueInternals<T> extends MemoryQueue<T> {
  /** Resolves with the next message, or `undefined` once `signal` aborts. */
  take(signal: AbortSignal): Promise<MemoryMessage<T> | undefined>;
  /** The handler finished: the message is gone. */
  ack(message: MemoryMessage<T>): void;
  /** Back at the front (release) or the back (retry) of the queue, for another delivery. */
  requeue(message: MemoryMessage<T>, where: 'front' | 'back'): void;
  /** Out of the queue into `deadLetters`. */
  deadLetter(message: MemoryMessage<T>, reason: string): void;
}

interface Stored<T> {
  readonly id: string;
  readonly body: T;
  readonly deliveries: number;
}

const internals = new WeakMap<MemoryQueue<unknown>, MemoryQueueInternals<unknown>>();

/**
 * Creates an in-process queue for {@link consumeMemory}. No timers, no globals: an unused queue
 * is garbage like any object.
 *
 * @example
 * ```ts
 * const queue = createMemoryQueue<{ commentId: string }>('comment-events');
 * queue.publish({ commentId: '42' });
 * ```
 */
export function createMemoryQueue<T>(name: string): MemoryQueue<T> {
  const ready: Stored<T>[] = [];
  const waiting: ((message: Stored<T>) => void)[] = [];
  const dead: MemoryDeadLetter<T>[] = [];
  let unacked = 0;
  let sequence = 0;

  const hand = (stored: Stored<T>): MemoryMessage<T> => {
    unacked += 1;
    return { id: stored.id, body: stored.body, deliveries: stored.deliveries + 1 };
  };
  const offer = (stored: Stored<T>, where: 'front' | 'back'): void => {
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(stored);
    else if (where === 'front') ready.unshift(stored);
    else ready.push(stored);
  };
  const settled = (): void => {
    unacked = Math.max(0, unacked - 1);
  };

  const queue: MemoryQueueInternals<T> = {
    name,
    get depth() {
      return ready.length;
    },
    get unacked() {
      return unacked;
    },
    get deadLetters() {
      return dead;
    },
    publish(body: T, options: { readonly id?: string } = {}): string {
      sequence += 1;
      const id = options.id ?? `${name}#${String(sequence)}`;
      offer({ id, body, deliveries: 0 }, 'back');
      return id;
    },
    take(signal: AbortSignal): Promise<MemoryMessage<T> | undefined> {
      if (signal.aborted) return Promise.resolve(undefined);
      const next = ready.shift();
      if (next !== undefined) return Promise.resolve(hand(next));
      return new Promise((resolve) => {
        const waiter = (stored: Stored<T>): void => {
          signal.removeEventListener('abort', onAbort);
          resolve(hand(stored));
        };
        const onAbort = (): void => {
          const at = waiting.indexOf(waiter);
          if (at >= 0) waiting.splice(at, 1);
          resolve(undefined);
        };
        waiting.push(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    ack: settled,
    requeue(message: MemoryMessage<T>, where: 'front' | 'back'): void {
      settled();
      offer({ id: message.id, body: message.body, deliveries: message.deliveries }, where);
    },
    deadLetter(message: MemoryMessage<T>, reason: string): void {
      settled();
      dead.push({ message, reason });
    },
  };
  internals.set(queue, queue);
  return queue;
}

/** The internals of a queue made by {@link createMemoryQueue}, `undefined` for anything else. */
export function internalsOf<T>(queue: MemoryQueue<T>): MemoryQueueInternals<T> | undefined {
  return internals.get(queue) as MemoryQueueInternals<T> | undefined;
}
