import { afterEach, beforeEach } from 'vitest';

/**
 * Records every uncaught exception and unhandled rejection of the test process while each test of
 * the file runs (call once at the top of a test file); assert the returned list is empty.
 */
export function useProcessErrors(): unknown[] {
  const errors: unknown[] = [];
  const record = (err: unknown): void => {
    errors.push(err);
  };
  beforeEach(() => {
    errors.length = 0;
    process.on('uncaughtException', record);
    process.on('unhandledRejection', record);
  });
  afterEach(() => {
    process.off('uncaughtException', record);
    process.off('unhandledRejection', record);
  });
  return errors;
}
