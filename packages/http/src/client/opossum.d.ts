// Minimal typings for the parts of opossum 10 the client uses (opossum ships no types).
declare module 'opossum' {
  import type { EventEmitter } from 'node:events';

  interface CircuitBreakerOptions {
    timeout?: number | false;
    resetTimeout?: number;
    errorThresholdPercentage?: number;
    volumeThreshold?: number;
    rollingCountTimeout?: number;
    rollingCountBuckets?: number;
    rollingPercentilesEnabled?: boolean;
    enableSnapshots?: boolean;
    rotateBucketController?: EventEmitter;
    name?: string;
  }

  class CircuitBreaker<A extends unknown[] = unknown[], R = unknown> extends EventEmitter {
    constructor(action: (...args: A) => Promise<R>, options?: CircuitBreakerOptions);
    fire(...args: A): Promise<R>;
    open(): void;
    close(): void;
    shutdown(): void;
    readonly opened: boolean;
    readonly halfOpen: boolean;
    readonly closed: boolean;
    readonly stats: { fires: number; failures: number; successes: number };
    readonly status: { increment(property: string, latencyRunTime?: number): void };
  }

  // eslint-disable-next-line no-restricted-syntax -- opossum's module.exports is the class
  export default CircuitBreaker;
}
