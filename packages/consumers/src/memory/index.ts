// Public API of @podkit/consumers/memory: the in-process adapter for tests and local runs. Explicit named exports only.
import '../node-version.ts';

export { consumeMemory } from './consumer.ts';
export type { MemoryConsumerOptions } from './consumer.ts';
export { createMemoryQueue } from './queue.ts';
export type { MemoryDeadLetter, MemoryMessage, MemoryQueue } from './queue.ts';
