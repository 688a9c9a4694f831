import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DuplicateHealthCheckError,
  HealthCheckTimeoutError,
  InvalidOptionError,
  LifecycleStateError,
  MetricNameError,
  NodeVersionError,
  PodkitError,
  ShutdownBudgetError,
  isPodkitError,
} from '../src/index.ts';

const errors = [
  new InvalidOptionError('gracePeriodMs', 'bad'),
  new MetricNameError('x', 'bad'),
  new DuplicateHealthCheckError('db'),
  new HealthCheckTimeoutError('db', 10),
  new ShutdownBudgetError('does not fit'),
  new LifecycleStateError('twice'),
  new NodeVersionError('22.12.0', '20.20.2'),
  new ConfigurationError('feature.flags: not JSON'),
];

describe('errors', () => {
  it('all extend PodkitError with a unique stable code and their class name', () => {
    for (const err of errors) {
      expect(err).toBeInstanceOf(PodkitError);
      expect(isPodkitError(err)).toBe(true);
      expect(err.code).toMatch(/^ERR_PODKIT_[A-Z_]+$/);
      expect(err.name).toBe(err.constructor.name);
    }
    expect(new Set(errors.map((e) => e.code)).size).toBe(errors.length);
    expect(isPodkitError(new Error('x'))).toBe(false);
  });

  it('are all listed in docs/core.md with their code', () => {
    const docs = readFileSync(new URL('../../../docs/core.md', import.meta.url), 'utf8');
    for (const err of errors) expect(docs).toContain(`| \`${err.name}\` | \`${err.code}\` |`);
  });
});
