import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIsoTime } from '../src/index.ts';

const pinoIso = (): string => pino.stdTimeFunctions.isoTime();

describe('createIsoTime', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes what pino.stdTimeFunctions.isoTime writes, across milliseconds, seconds, days and years', () => {
    vi.useFakeTimers();
    const isoTime = createIsoTime();
    const starts = [Date.UTC(2026, 11, 4, 2, 20, 15, 0), Date.UTC(2026, 11, 31, 23, 59, 59, 990), Date.UTC(1999, 11, 31, 23, 59, 58, 0), 0, 999];
    for (const start of starts) {
      for (let t = start; t < start + 2_500; t += 7) {
        vi.setSystemTime(t);
        expect(isoTime()).toBe(pinoIso());
        expect(isoTime()).toBe(pinoIso()); // the cached answer for the same millisecond
      }
    }
  });

  it('formats times whose ISO form is not 24 characters (years past 9999, before 1970 BC) as toISOString does', () => {
    vi.useFakeTimers();
    const isoTime = createIsoTime();
    for (const t of [Date.UTC(10_000, 0, 1, 0, 0, 0, 5), Date.UTC(-1, 5, 1, 12, 0, 0, 1), -1, -1_001]) {
      vi.setSystemTime(t);
      expect(isoTime()).toBe(pinoIso());
    }
  });

  it('follows the clock as it moves back (a fake clock reset, an NTP step)', () => {
    vi.useFakeTimers();
    const isoTime = createIsoTime();
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 1, 500));
    expect(isoTime()).toBe(',"time":"2026-01-01T00:00:01.500Z"');
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 0, 500));
    expect(isoTime()).toBe(',"time":"2026-01-01T00:00:00.500Z"');
  });

  it('is what a podkit logger stamps its lines with', async () => {
    const { createLogger } = await import('../src/index.ts');
    const lines: string[] = [];
    const logger = createLogger({ service: { name: 't', version: '1' }, destination: { write: (l: string) => lines.push(l) } });
    logger.info('hello');
    const time = (JSON.parse(lines[0]!) as { time: string }).time;
    expect(new Date(time).toISOString()).toBe(time);
  });
});
