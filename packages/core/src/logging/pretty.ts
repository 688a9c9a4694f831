import { createRequire } from 'node:module';
import type { DestinationStream } from 'pino';
import { pino } from 'pino';

/** Whether human-readable output may be used: a TTY, not production, and pino-pretty installed. */
export function prettyAvailable(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (!isTTY || env.NODE_ENV === 'production') return false;
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false; // optional dependency not installed: plain JSON
  }
}

/** A pino-pretty transport (worker thread) writing to stdout. */
export function prettyDestination(): DestinationStream {
  return pino.transport({ target: 'pino-pretty', options: { destination: 1, translateTime: 'SYS:standard' } });
}
