import type { LifecycleProcess } from './types.ts';

/** Reactions to process events, wired by {@link installProcessHandlers}. */
export interface ProcessReactions {
  onSignal(signal: 'SIGTERM' | 'SIGINT'): void;
  onFatal(error: unknown, origin: 'uncaughtException' | 'unhandledRejection'): void;
}

/** Installs SIGTERM/SIGINT/uncaughtException/unhandledRejection listeners; returns their removal. */
export function installProcessHandlers(proc: LifecycleProcess, reactions: ProcessReactions): () => void {
  const handlers: [string, (...args: unknown[]) => void][] = [
    ['SIGTERM', () => reactions.onSignal('SIGTERM')],
    ['SIGINT', () => reactions.onSignal('SIGINT')],
    ['uncaughtException', (error: unknown) => reactions.onFatal(error, 'uncaughtException')],
    ['unhandledRejection', (reason: unknown) => reactions.onFatal(reason, 'unhandledRejection')],
  ];
  for (const [event, handler] of handlers) proc.on(event, handler);
  return (): void => {
    for (const [event, handler] of handlers) proc.off(event, handler);
  };
}
