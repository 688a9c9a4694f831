/**
 * A failed check or startup task reports a message even when the error has none: Node's
 * `AggregateError` from connecting to every address of a host (`localhost` → ::1 and 127.0.0.1,
 * what `pg` and `redis` get from `net.connect`) has an empty `message`.
 */
import { describe, expect, it } from 'vitest';
import { createHealth } from '../src/index.ts';

function refused(address: string): Error {
  return Object.assign(new Error(`connect ECONNREFUSED ${address}`), { code: 'ECONNREFUSED' });
}

describe('check error text', () => {
  it('names the aggregated errors when the message is empty', async () => {
    const health = createHealth();
    health.register({ name: 'db', check: () => Promise.reject(new AggregateError([refused('::1:5432'), refused('127.0.0.1:5432')], '')) });
    const { db } = await health.run('db');
    expect(db!.error).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
    health.close();
  });

  it('falls back to the code, then the class name', async () => {
    const health = createHealth();
    health.register({ name: 'coded', check: () => Promise.reject(Object.assign(new Error(''), { code: 'ECONNRESET' })) });
    health.register({ name: 'bare', check: () => Promise.reject(new TypeError('')) });
    const results = await health.run();
    expect(results.coded!.error).toBe('ECONNRESET');
    expect(results.bare!.error).toBe('TypeError');
    health.close();
  });

  it('names the aggregated errors of a failed startup task', async () => {
    const health = createHealth();
    const task = Promise.reject(new AggregateError([refused('::1:6379')], ''));
    await health.startupTask('connect', task).catch(() => {});
    health.markStarted();
    expect(health.report('startup').reason).toBe('startup task "connect" failed: connect ECONNREFUSED ::1:6379');
    health.close();
  });
});
