// Public API of @podkit/consumers/nats: the NATS JetStream adapter (@nats-io/jetstream). Explicit named exports only.
import '../node-version.ts';

export { consumeJetStream } from './consumer.ts';
export { DEAD_LETTER_ORIGIN_HEADER, DEAD_LETTER_REASON_HEADER } from './delivery.ts';
export type { JetStreamConsumerOptions, NatsConnectionLike } from './consumer.ts';
