import type { ConsumeMessage } from 'amqplib';

/** Header podkit sets on a message it republishes for a retry: the deliveries so far. */
export const RETRIES_HEADER = 'x-podkit-deliveries';

/**
 * Which delivery of `message` this is, from 1. Quorum queues count returned deliveries in
 * `x-delivery-count`; classic queues do not, so a retry is republished with
 * {@link RETRIES_HEADER}; a message the broker redelivers after a lost consumer
 * (`redelivered`) counts one more.
 */
export function deliveryCount(message: ConsumeMessage): number {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const broker = toCount(headers['x-delivery-count']);
  const ours = toCount(headers[RETRIES_HEADER]) + (message.fields.redelivered ? 1 : 0);
  return Math.max(broker, ours) + 1;
}

function toCount(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : typeof value === 'bigint' ? Number(value) : 0;
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}
