import { describe, expect, it } from 'vitest';
import { createRevocationList, type RevocationEntry, type RevocationFetch } from '../../src/shared/auth/revocations.ts';

/** A fetch the test answers by hand: each call waits until the test releases it. */
function manualFetch(): { fetch: RevocationFetch; calls: { etag: string | undefined; answer(entries: RevocationEntry[] | 'not-modified' | Error): void }[] } {
  const calls: { etag: string | undefined; answer(entries: RevocationEntry[] | 'not-modified' | Error): void }[] = [];
  const fetch: RevocationFetch = (etag) =>
    new Promise((resolve, reject) => {
      calls.push({
        etag,
        answer: (a) => (a instanceof Error ? reject(a) : resolve(a === 'not-modified' ? a : { etag: `"v${calls.length}"`, entries: a })),
      });
    });
  return { fetch, calls };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setImmediate(r));
  expect(cond()).toBe(true);
}

const claims = { sub: 'u1', jti: 't1', iat: 100 };

describe('revocation list', () => {
  it('a check never settles on a fetch that started before it was asked', async () => {
    const { fetch, calls } = manualFetch();
    const list = createRevocationList(fetch);
    const early = list.check(claims);
    await until(() => calls.length === 1);
    // revoked while the first fetch is in flight; this check arrives after the revocation
    const late = list.check(claims);
    const later = Array.from({ length: 100 }, () => list.check(claims));
    calls[0]!.answer([]);
    expect(await early).toBe(false);
    await until(() => calls.length === 2);
    expect(calls[1]!.etag).toBe('"v1"');
    calls[1]!.answer([{ jti: 't1', exp: 999 }]);
    expect(await late).toBe(true);
    expect(await Promise.all(later)).toEqual(Array(100).fill(true));
    expect(list.fetchCount).toBe(2); // 102 checks, 2 fetches
  });

  it('matches a user revoked up to a time, keeps the list on 304, and rejects when auth cannot be asked', async () => {
    const { fetch, calls } = manualFetch();
    const list = createRevocationList(fetch);
    const first = list.check({ sub: 'u2', jti: undefined, iat: 50 });
    await until(() => calls.length === 1);
    calls[0]!.answer([{ sub: 'u2', before: 60, exp: 999 }]);
    expect(await first).toBe(true);
    const newer = list.check({ sub: 'u2', jti: 'x', iat: 61 });
    await until(() => calls.length === 2);
    calls[1]!.answer('not-modified');
    expect(await newer).toBe(false);
    const again = list.check({ sub: 'u2', jti: undefined, iat: 60 });
    await until(() => calls.length === 3);
    calls[2]!.answer('not-modified');
    expect(await again).toBe(true);
    const failing = list.check(claims);
    await until(() => calls.length === 4);
    calls[3]!.answer(new Error('connect ECONNREFUSED'));
    await expect(failing).rejects.toThrow('ECONNREFUSED');
  });
});
