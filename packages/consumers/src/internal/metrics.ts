import type { Metrics } from '@podkit/core';
import type { Counter, Gauge, Histogram } from 'prom-client';
import type { MessageOutcome } from '../types.ts';

/** The three series every consumer records, labelled with its name. */
export interface ConsumerMetrics {
  readonly messages: Counter<'consumer' | 'outcome'>;
  readonly duration: Histogram<'consumer' | 'result'>;
  readonly inFlight: Gauge<'consumer'>;
}

/** Creates (or returns the existing) consumer metrics on the service's registry. */
export function consumerMetrics(metrics: Metrics): ConsumerMetrics {
  return {
    messages: metrics.counter({
      name: 'podkit_consumer_messages_total',
      help: 'Messages that left a consumer, by outcome (success, retry, dead_letter, released).',
      labelNames: ['consumer', 'outcome'],
    }),
    duration: metrics.histogram({
      name: 'podkit_consumer_handler_duration_seconds',
      help: 'Duration of message handlers, by result (success, error).',
      labelNames: ['consumer', 'result'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    }),
    inFlight: metrics.gauge({
      name: 'podkit_consumer_in_flight',
      help: 'Message handlers running now.',
      labelNames: ['consumer'],
    }),
  };
}

/** Counts one message outcome. */
export function countOutcome(m: ConsumerMetrics, consumer: string, outcome: MessageOutcome): void {
  m.messages.inc({ consumer, outcome });
}
