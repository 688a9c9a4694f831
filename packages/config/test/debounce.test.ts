import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { createDebouncer } from '../src/debounce.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

test('a burst of triggers runs once, waitMs after the last one', () => {
  const fn = vi.fn();
  const debouncer = createDebouncer(fn, { waitMs: 100, maxWaitMs: 1000 });
  for (let i = 0; i < 5; i += 1) {
    debouncer.trigger();
    vi.advanceTimersByTime(50);
  }
  expect(fn).not.toHaveBeenCalled();
  vi.advanceTimersByTime(49);
  expect(fn).not.toHaveBeenCalled();
  vi.advanceTimersByTime(1);
  expect(fn).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(10_000);
  expect(fn).toHaveBeenCalledTimes(1);
});

test('a never-ending burst still runs after maxWaitMs, then starts a new burst', () => {
  const fn = vi.fn();
  const debouncer = createDebouncer(fn, { waitMs: 100, maxWaitMs: 1000 });
  for (let elapsed = 0; elapsed < 1000; elapsed += 50) {
    debouncer.trigger();
    vi.advanceTimersByTime(50);
  }
  expect(fn).toHaveBeenCalledTimes(1);
  debouncer.trigger();
  vi.advanceTimersByTime(100);
  expect(fn).toHaveBeenCalledTimes(2);
});

test('cancel drops a pending run; timers are unref()-ed', () => {
  const fn = vi.fn();
  const debouncer = createDebouncer(fn, { waitMs: 100, maxWaitMs: 1000 });
  debouncer.trigger();
  expect(vi.getTimerCount()).toBe(1);
  debouncer.cancel();
  vi.advanceTimersByTime(1000);
  expect(fn).not.toHaveBeenCalled();
});
