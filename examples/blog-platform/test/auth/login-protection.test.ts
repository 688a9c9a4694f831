/**
 * Login and registration protection under concurrency and from many addresses: the limits hold
 * for concurrent attempts (slots are reserved atomically before the password check), lockout is
 * per (account, client address) so an attacker cannot lock other people out, the client address
 * comes from X-Forwarded-For only when the peer is a trusted proxy, and registration is limited.
 */
import { createMetrics, type Metrics } from '@podkit/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthApp } from '../../src/auth/app.ts';
import { loadSigningKey } from '../../src/auth/signing-key.ts';
import { backends } from '../helpers/backends.ts';
import { call, listen, quietLogger, type TestServer } from '../helpers/http.ts';

const LIMITS = { perAccount: 5, perAddress: 20, windowSeconds: 60 };

async function counter(metrics: Metrics, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = metrics.registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  return values.filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((sum, v) => sum + v.value, 0);
}

describe.each(backends())('login protection on $name', (backend) => {
  const servers: TestServer[] = [];
  let metrics: Metrics;
  let url: string;
  let untrustedUrl: string;

  beforeAll(async () => {
    const key = await loadSigningKey(undefined);
    const db = await backend.openDatabase('auth');
    metrics = createMetrics({ service: { name: 'auth', version: 'test' } });
    const app = await createAuthApp({
      db,
      cache: await backend.openCache(),
      key,
      logger: quietLogger(),
      metrics,
      tokenTtlSeconds: 600,
      limits: LIMITS,
      registrationLimits: { perAddress: 10, windowSeconds: 60 },
    });
    // the same users, behind an auth that trusts no proxy: X-Forwarded-For from the test is a lie
    const untrusted = await createAuthApp({
      db,
      cache: await backend.openCache(),
      key,
      logger: quietLogger(),
      tokenTtlSeconds: 600,
      limits: LIMITS,
      trustedProxies: ['10.255.255.1'],
    });
    servers.push(await listen(app.router.listener), await listen(untrusted.router.listener));
    url = `${servers[0]!.url}/api/auth`;
    untrustedUrl = `${servers[1]!.url}/api/auth`;
    for (const username of ['victim', 'bystander', 'spoofed']) {
      const from = { 'x-forwarded-for': `198.51.100.${username.length}` };
      expect((await call(`${url}/register`, 'POST', { json: { username, password: 'right-password' }, headers: from })).status).toBe(201);
    }
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await backend.cleanup();
    metrics.close();
  });

  it('200 concurrent guesses on one account: at most the configured number of password checks', async () => {
    const before = await counter(metrics, 'auth_password_checks_total');
    const from = { 'x-forwarded-for': '203.0.113.10' };
    const statuses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        call(`${url}/login`, 'POST', { json: { username: 'victim', password: `guess-${i}-xx` }, headers: from }).then((r) => r.status),
      ),
    );
    const checks = (await counter(metrics, 'auth_password_checks_total')) - before;
    const unauthorized = statuses.filter((s) => s === 401).length;
    const limited = statuses.filter((s) => s === 429).length;
    console.info(`${backend.name}: 200 concurrent guesses → ${checks} password checks, ${unauthorized} × 401, ${limited} × 429`);
    expect(checks).toBeLessThanOrEqual(LIMITS.perAccount);
    expect(unauthorized).toBe(checks);
    expect(limited).toBe(200 - unauthorized);
    expect(await counter(metrics, 'auth_logins_total', { outcome: 'limited' })).toBeGreaterThanOrEqual(195);
  });

  it('the locked-out attacker cannot lock the account for the user at another address', async () => {
    const attacker = { 'x-forwarded-for': '203.0.113.10' };
    const locked = await call(`${url}/login`, 'POST', { json: { username: 'victim', password: 'right-password' }, headers: attacker });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const owner = await call(`${url}/login`, 'POST', { json: { username: 'victim', password: 'right-password' }, headers: { 'x-forwarded-for': '192.0.2.44' } });
    expect(owner.status).toBe(200);
  });

  it('failures against many accounts from one address lock that address only', async () => {
    const from = { 'x-forwarded-for': '203.0.113.20' };
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        call(`${url}/login`, 'POST', { json: { username: `ghost${i}`, password: 'wrong-password' }, headers: from }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMITS.perAddress);
    expect((await call(`${url}/login`, 'POST', { json: { username: 'bystander', password: 'right-password' }, headers: from })).status).toBe(429);
    const elsewhere = await call(`${url}/login`, 'POST', { json: { username: 'bystander', password: 'right-password' }, headers: { 'x-forwarded-for': '192.0.2.45' } });
    expect(elsewhere.status).toBe(200);
  });

  it('a successful login gives its slot back: the owner is never locked out by their own logins', async () => {
    const from = { 'x-forwarded-for': '192.0.2.46' };
    for (let i = 0; i < LIMITS.perAccount * 2; i++) {
      expect((await call(`${url}/login`, 'POST', { json: { username: 'bystander', password: 'right-password' }, headers: from })).status).toBe(200);
    }
  });

  it('X-Forwarded-For from a peer that is not a trusted proxy is ignored: rotating it evades nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.perAccount + 3; i++) {
      const spoof = { 'x-forwarded-for': `192.0.2.${100 + i}`, 'x-real-ip': `192.0.2.${100 + i}` };
      statuses.push((await call(`${untrustedUrl}/login`, 'POST', { json: { username: 'spoofed', password: `wrong-${i}-xx` }, headers: spoof })).status);
    }
    expect(statuses.slice(0, LIMITS.perAccount)).toEqual(Array(LIMITS.perAccount).fill(401));
    expect(statuses.slice(LIMITS.perAccount)).toEqual([429, 429, 429]);
  });

  it('30 concurrent registrations from one address: at most the configured number succeed', async () => {
    const from = { 'x-forwarded-for': '203.0.113.30' };
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        call(`${url}/register`, 'POST', { json: { username: `newbie${i}`, password: 'long-enough-1' }, headers: from }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const other = await call(`${url}/register`, 'POST', { json: { username: 'newbie-other', password: 'long-enough-1' }, headers: { 'x-forwarded-for': '192.0.2.47' } });
    expect(other.status).toBe(201);
  });
});
