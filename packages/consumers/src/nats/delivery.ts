import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import type { MsgHdrs } from '@nats-io/nats-core';
import type { Delivery } from '../internal/runner.ts';

/** Header set on a dead-lettered copy: why the handler gave up. */
export const DEAD_LETTER_REASON_HEADER = 'Podkit-Dead-Letter-Reason';

/** Header set on a dead-lettered copy: the stream and sequence of the original (`ORDERS#42`). */
export const DEAD_LETTER_ORIGIN_HEADER = 'Podkit-Dead-Letter-Origin';

/** The headers of a dead-lettered copy: the original's (but its id) plus reason and origin. */
function deadLetterHeaders(message: JsMsg, reason: string): MsgHdrs {
  const copy = headers();
  const original = message.headers;
  for (const key of original?.keys() ?? []) {
    if (key.toLowerCase() === 'nats-msg-id') continue;
    for (const value of original?.values(key) ?? []) copy.append(key, value);
  }
  copy.set(DEAD_LETTER_REASON_HEADER, reason);
  copy.set(DEAD_LETTER_ORIGIN_HEADER, `${message.info.stream}#${String(message.seq)}`);
  return copy;
}

/** What settling a message needs from its consumer. */
export interface DeliveryContext {
  readonly js: JetStreamClient;
  /** Where a message goes on its last failed delivery. */
  readonly deadLetterSubject: string | undefined;
  readonly retryDelayMs: number;
  /** Resolves when no pull is open any more (intake stopped). */
  readonly pullsEnded: Promise<void>;
  /** `working()` interval that keeps a slow handler's message from being redelivered; 0 = none. */
  readonly progressMs: number;
}

export function delivery(ctx: DeliveryContext, message: JsMsg): Delivery {
  const { js, deadLetterSubject, retryDelayMs, pullsEnded } = ctx;
  const stream = message.info.stream;
  // Tell the server the handler is still at it, so `ack_wait` does not run out under a slow one.
  const progress = ctx.progressMs > 0 ? setInterval(() => message.working(), ctx.progressMs) : undefined;
  progress?.unref();
  const done = (): void => clearInterval(progress);
  return {
    messageId: message.headers?.get('Nats-Msg-Id') || `${stream}#${String(message.seq)}`,
    deliveries: message.info.deliveryCount,
    // Resolves once the server has the ack: a consumer restarted right after sees no duplicate.
    ack: async () => {
      done();
      await message.ackAck();
    },
    retry: () => {
      done();
      message.nak(retryDelayMs > 0 ? retryDelayMs : undefined);
    },
    async deadLetter(reason: string): Promise<void> {
      done();
      if (deadLetterSubject !== undefined) {
        await js.publish(deadLetterSubject, message.data, {
          msgID: `dead-letter:${stream}:${String(message.seq)}`,
          headers: deadLetterHeaders(message, reason),
        });
      }
      // No reason argument: servers before 2.10.4 ignore a `+TERM` that carries one.
      message.term();
    },
    // Only once no pull is open, else the server hands it straight to the pull being closed.
    release: async () => {
      done();
      await pullsEnded;
      message.nak();
    },
  };
}
