// Minimal typings for on-exit-leak-free 2 (pino's own exit-flush helper; it ships no types).
declare module 'on-exit-leak-free' {
  /** Calls `fn(obj, 'exit')` on process exit while `obj` is alive (held weakly). */
  export function register<T extends object>(obj: T, fn: (obj: T, event: 'exit') => void): void;
  /** Removes every registration of `obj`. */
  export function unregister(obj: object): void;
}
