// Public API of @podkit/consumers: what both adapters share. The adapters are the subpaths
// `@podkit/consumers/amqp` (amqplib) and `@podkit/consumers/nats` (@nats-io/jetstream), so a
// user installs only the driver they use. Explicit named exports only.

// First: fails with a clear message on an unsupported Node.js, before any dependency is evaluated.
import './node-version.ts';

export { ConsumerNodeVersionError, ConsumerOptionsError, ConsumerStartError, PodkitConsumerError, isPodkitConsumerError } from './errors.ts';
export type { Consumer, ConsumerDrainResult, ConsumerOptions, ConsumerService, HandlerContext, MessageOutcome } from './types.ts';
