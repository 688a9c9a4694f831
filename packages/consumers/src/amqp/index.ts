// Public API of @podkit/consumers/amqp: the RabbitMQ adapter (amqplib). Explicit named exports only.
import '../node-version.ts';

export { consumeAmqp } from './consumer.ts';
export type { AmqpConsumerOptions } from './consumer.ts';
export { RETRIES_HEADER, deliveryCount } from './delivery-count.ts';
export type { ReconnectOptions } from './reconnect.ts';
