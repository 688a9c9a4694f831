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
  it('writes a lone line at once, holds the lines that follow until the window ends, then writes them in order', () => {
    vi.useFakeTimers();
    const { log, read } = logger({ flushIntervalMs: 100 });
    const msgs = (): string[] => read().map((l) => (JSON.parse(l) as { msg: string }).msg);
    log.info('first');
    expect(msgs()).toEqual(['first']);
    log.info('one');
    log.warn('two');
    expect(msgs()).toEqual(['first']);
    vi.advanceTimersByTime(99);
    expect(msgs()).toEqual(['first']);
    vi.advanceTimersByTime(1);
    expect(msgs()).toEqual(['first', 'one', 'two']);
    expect(vi.getTimerCount()).toBe(0); // idle: no timer left armed
    log.info('after a quiet spell');
    expect(msgs()).toHaveLength(4);
  });

  it('writes error and fatal lines at once, after what was buffered before them', () => {
    vi.useFakeTimers();
    const { log, read } = logger();
    log.info('opens the window');
    log.info('before');
    expect(read()).toHaveLength(1);
    log.error('broken');
    expect(read().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['opens the window', 'before', 'broken']);
    log.info('first again');
    log.info('after');
    log.fatal('dying');
    expect(read().map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['info', 'info', 'error', 'info', 'info', 'fatal']);
  });

  it('writes once maxBufferBytes are buffered, and on flush()', async () => {
    vi.useFakeTimers();
    const { log, read } = logger({ maxBufferBytes: 1024 });
    const pad = 'x'.repeat(350); // ~450 bytes a line
    log.info('opens the window');
    log.info({ pad }, 'line');
    log.info({ pad }, 'line');
    expect(read()).toHaveLength(1);
    log.info({ pad }, 'line');
    expect(read()).toHaveLength(4);
    log.info('last');
    expect(read()).toHaveLength(4);
    vi.useRealTimers();
    await flushLogger(log);
    expect(read()).toHaveLength(5);
  });

  it('end() flushes and later lines go straight out', () => {
    const { destination, log, read } = logger();
    log.info('a');
    log.info('b');
    destination.end();
    expect(read()).toHaveLength(2);
    log.info('c');
    expect(read()).toHaveLength(3);
  });

  it('writes non-ASCII text (two- and three-byte characters, surrogate pairs, a lone surrogate) and lines of megabytes byte for byte', () => {
    const { destination, log, read } = logger({ maxBufferBytes: 1024 });
    const texts = ['façade – naïve 日本語 🚀🚀', 'x'.repeat(3 * 1024 * 1024), '€'.repeat(20_000), '🙂'.repeat(12_000), 'lone \ud800 surrogate', 'après'];
    for (const text of texts) log.info(text);
    destination.flushSync();
    const lone = Buffer.from('lone \ud800 surrogate', 'utf8').toString('utf8'); // U+FFFD, as any UTF-8 encoder writes it
    expect(read().map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(texts.map((t) => (t.includes('\ud800') ? lone : t)));
  });

  it('rejects unusable options with a clear error', () => {
    expect(() => bufferedDestination({ flushIntervalMs: 0 })).toThrow(InvalidOptionError);
    expect(() => bufferedDestination({ maxBufferBytes: 2 << 20 })).toThrow(/maxBufferBytes/);
  });
});
