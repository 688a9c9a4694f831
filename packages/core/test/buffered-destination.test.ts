import { closeSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bufferedDestination, createLogger, flushLogger, InvalidOptionError } from '../src/index.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'podkit-buffered-'));
let n = 0;
function file(): { fd: number; read: () => string[] } {
  const name = path.join(dir, `log-${String(n++)}.ndjson`);
  const fd = openSync(name, 'w');
  return { fd, read: () => readFileSync(name, 'utf8').split('\n').filter((l) => l !== '') };
}
const fds: number[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const fd of fds.splice(0)) closeSync(fd);
});

function logger(options: { flushIntervalMs?: number; maxBufferBytes?: number } = {}) {
  const f = file();
  fds.push(f.fd);
  const destination = bufferedDestination({ fd: f.fd, ...options });
  return { destination, log: createLogger({ service: { name: 's', version: '1' }, destination, pretty: false }), read: f.read };
}

describe('bufferedDestination', () => {
  it('holds info lines until the flush timer, then writes them in order in one go', () => {
    vi.useFakeTimers();
    const { log, read } = logger({ flushIntervalMs: 100 });
    log.info('one');
    log.warn('two');
    expect(read()).toEqual([]);
    vi.advanceTimersByTime(99);
    expect(read()).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(read().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['one', 'two']);
    expect(vi.getTimerCount()).toBe(0); // idle: no timer left armed
  });

  it('writes error and fatal lines at once, after what was buffered before them', () => {
    vi.useFakeTimers();
    const { log, read } = logger();
    log.info('before');
    log.error('broken');
    expect(read().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['before', 'broken']);
    log.info('after');
    log.fatal('dying');
    expect(read().map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['info', 'error', 'info', 'fatal']);
  });

  it('writes once maxBufferBytes are buffered, and on flush()', async () => {
    vi.useFakeTimers();
    const { log, read } = logger({ maxBufferBytes: 1024 });
    const pad = 'x'.repeat(350); // ~450 bytes a line
    log.info({ pad }, 'line');
    log.info({ pad }, 'line');
    expect(read()).toHaveLength(0);
    log.info({ pad }, 'line');
    expect(read()).toHaveLength(3);
    log.info('last');
    expect(read()).toHaveLength(3);
    vi.useRealTimers();
    await flushLogger(log);
    expect(read()).toHaveLength(4);
  });

  it('end() flushes and later lines go straight out', () => {
    const { destination, log, read } = logger();
    log.info('a');
    destination.end();
    expect(read()).toHaveLength(1);
    log.info('b');
    expect(read()).toHaveLength(2);
  });

  it('rejects unusable options with a clear error', () => {
    expect(() => bufferedDestination({ flushIntervalMs: 0 })).toThrow(InvalidOptionError);
    expect(() => bufferedDestination({ maxBufferBytes: 2 << 20 })).toThrow(/maxBufferBytes/);
  });
});
