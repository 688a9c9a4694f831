import type { ConsumeMessage } from 'amqplib';
import { runMain } from '@podkit/core';
import { describe, expect, it } from 'vitest';
import { ConsumerNodeVersionError, ConsumerOptionsError, ConsumerStartError, PodkitConsumerError, isPodkitConsumerError } from '../src/index.ts';
import { RETRIES_HEADER, deliveryCount } from '../src/amqp/index.ts';

function message(headers: Record<string, unknown> | undefined, redelivered = false): ConsumeMessage {
  return {
    content: Buffer.from(''),
    fields: { deliveryTag: 1, redelivered, exchange: '', routingKey: 'q', consumerTag: 'c' },
    properties: { headers } as ConsumeMessage['properties'],
  };
}

describe('deliveryCount (RabbitMQ)', () => {
  it('is 1 for a first delivery and counts the broker redelivery flag', () => {
    expect(deliveryCount(message(undefined))).toBe(1);
    expect(deliveryCount(message({}, true))).toBe(2);
  });

  it("uses quorum queues' x-delivery-count and podkit's own header, whichever is higher", () => {
    expect(deliveryCount(message({ 'x-delivery-count': 2 }, true))).toBe(3);
    expect(deliveryCount(message({ [RETRIES_HEADER]: 3 }))).toBe(4);
    expect(deliveryCount(message({ [RETRIES_HEADER]: 3 }, true))).toBe(5);
    expect(deliveryCount(message({ 'x-delivery-count': 6, [RETRIES_HEADER]: 1 }, true))).toBe(7);
  });

  it('ignores header values that are not counts', () => {
    expect(deliveryCount(message({ [RETRIES_HEADER]: 'x', 'x-delivery-count': -4 }))).toBe(1);
    expect(deliveryCount(message({ [RETRIES_HEADER]: '2' }))).toBe(3);
  });
});

describe('errors', () => {
  it('extend PodkitConsumerError with stable codes and their class name', () => {
    const errors = [new ConsumerOptionsError('prefetch', 'bad'), new ConsumerStartError('w', 'consume queue "q"', new Error('404')), new ConsumerNodeVersionError('22.12.0', '20.20.2')];
    for (const err of errors) {
      expect(err).toBeInstanceOf(PodkitConsumerError);
      expect(isPodkitConsumerError(err)).toBe(true);
      expect(err.code).toMatch(/^ERR_PODKIT_CONSUMER_[A-Z_]+$/);
      expect(err.name).toBe(err.constructor.name);
    }
    expect(errors[0]!.message).toBe('prefetch: bad');
    expect(isPodkitConsumerError(new Error('x'))).toBe(false);
  });
});

describe('runMain', () => {
  it('exits 78 (EX_CONFIG) on invalid consumer options, printing the message alone', async () => {
    const exits: number[] = [];
    const written: string[] = [];
    await runMain(() => Promise.reject(new ConsumerOptionsError('prefetch', 'must be an integer from 1 to 65535 (got 0)')), {
      name: 'worker',
      exit: (code) => void exits.push(code),
      stderr: { write: (t: string) => written.push(t) },
    });
    expect(exits).toEqual([78]);
    expect(written).toEqual(['worker: prefetch: must be an integer from 1 to 65535 (got 0) (ERR_PODKIT_CONSUMER_OPTIONS)\n']);
  });
});
