/* eslint-disable @typescript-eslint/no-explicit-any -- parsed JSON log lines are inspected freely in tests */
import { EventEmitter } from 'node:events';
import type { DestinationStream } from 'pino';

/** A pino destination that keeps every line, parsed, and emits `line` for each. */
export interface Capture extends DestinationStream {
  readonly raw: string[];
  readonly lines: Record<string, any>[];
  readonly events: EventEmitter;
  /** Resolves with the first line (already written or future) matching `predicate`. */
  waitFor(predicate: (line: Record<string, any>) => boolean): Promise<Record<string, any>>;
}

export function capture(): Capture {
  const raw: string[] = [];
  const lines: Record<string, any>[] = [];
  const events = new EventEmitter();
  return {
    raw,
    lines,
    events,
    write(chunk: string): void {
      for (const text of chunk.split('\n')) {
        if (text === '') continue;
        raw.push(text);
        const line = JSON.parse(text) as Record<string, any>;
        lines.push(line);
        events.emit('line', line);
      }
    },
    waitFor(predicate) {
      const found = lines.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const listener = (line: Record<string, any>): void => {
          if (predicate(line)) {
            events.off('line', listener);
            resolve(line);
          }
        };
        events.on('line', listener);
      });
    },
  };
}
