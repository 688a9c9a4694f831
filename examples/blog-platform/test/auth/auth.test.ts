import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthApp } from '../../src/auth/app.ts';
import { loadSigningKey } from '../../src/auth/signing-key.ts';
import { backends } from '../helpers/backends.ts';
import { call, listen, quietLogger, type TestServer } from '../helpers/http.ts';

describe.each(backends())('auth service on $name', (backend) => {
  let server: TestServer;
  let url: string;
  beforeAll(async () => {
    const app = await createAuthApp({
      db: await backend.openDatabase('auth'),
      cache: await backend.openCache(),
      key: await loadSigningKey(undefined),
      logger: quietLogger(),
      tokenTtlSeconds: 600,
      limits: { perAccount: 3, perAddress: 5, windowSeconds: 60 },
    });
    server = await listen(app.router.listener);
    url = `${server.url}/api/auth`;
  });
  afterAll(async () => {
    await server.close();
    await backend.cleanup();
  });

  it('registers, rejects a duplicate (any case) with 409, logs in and answers /me', async () => {
    const reg = await call(`${url}/register`, 'POST', { json: { username: 'grace', password: 'hopper-1906', displayName: 'Grace H.' } });
    expect(reg.status).toBe(201);
    expect(reg.body.user).toMatchObject({ username: 'grace', displayName: 'Grace H.' });
    expect(reg.body.user).not.toHaveProperty('passwordHash');
    const dup = await call(`${url}/register`, 'POST', { json: { username: 'GRACE', password: 'another-pass' } });
    expect(dup.status).toBe(409);
    expect(dup.headers.get('content-type')).toContain('application/problem+json');
    const login = await call(`${url}/login`, 'POST', { json: { username: 'grace', password: 'hopper-1906' } });
    expect(login.status).toBe(200);
    expect(typeof login.body.token).toBe('string');
    expect(Date.parse(login.body.expiresAt)).toBeGreaterThan(Date.now());
    const me = await call(`${url}/me`, 'GET', { token: login.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(reg.body.user.id);
  });

  it('answers bad input with problems, never 500', async () => {
    const cases: [string, string, Parameters<typeof call>[2], number][] = [
      ['/register', 'POST', { json: { username: 'x', password: 'short' } }, 400],
      ['/register', 'POST', { json: { username: 'ok_name', password: 'long-enough', admin: true } }, 400],
      ['/register', 'POST', { body: '{"username":', headers: { 'content-type': 'application/json' } }, 400],
      ['/register', 'POST', { body: 'username=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415],
      ['/register', 'POST', { json: { username: 'big', password: 'x'.repeat(20_000) } }, 413],
      ['/login', 'POST', { json: { username: 'nobody', password: 'whatever-1' } }, 401],
      ['/me', 'GET', {}, 401],
      ['/me', 'GET', { token: 'abc.def.ghi' }, 401],
      ['/me', 'GET', { headers: { authorization: 'Basic Zm9vOmJhcg==' } }, 401],
      ['/nope', 'GET', {}, 404],
    ];
    for (const [path, method, options, status] of cases) {
      const res = await call(`${url}${path}`, method, options);
      expect(res.status, `${method} ${path}`).toBe(status);
      expect(res.headers.get('content-type'), `${method} ${path}`).toContain('application/problem+json');
    }
  });

  it('rate-limits failed logins per account from one address, even with the right password', async () => {
    await call(`${url}/register`, 'POST', { json: { username: 'mallory-target', password: 'right-password' } });
    for (let i = 0; i < 3; i++) {
      expect((await call(`${url}/login`, 'POST', { json: { username: 'mallory-target', password: `wrong-${i}-xx` } })).status).toBe(401);
    }
    const blocked = await call(`${url}/login`, 'POST', { json: { username: 'mallory-target', password: 'right-password' } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('rate-limits failed logins per client address across accounts', async () => {
    const from = { 'x-forwarded-for': '203.0.113.77' };
    for (let i = 0; i < 5; i++) {
      await call(`${url}/login`, 'POST', { json: { username: `ghost${i}`, password: 'wrong-pass' }, headers: from });
    }
    const res = await call(`${url}/login`, 'POST', { json: { username: 'grace', password: 'hopper-1906' }, headers: from });
    expect(res.status).toBe(429);
    const other = await call(`${url}/login`, 'POST', { json: { username: 'grace', password: 'hopper-1906' }, headers: { 'x-forwarded-for': '203.0.113.78' } });
    expect(other.status).toBe(200);
  });

  it('publishes its public key only', async () => {
    const res = await call(`${url}/.well-known/jwks.json`, 'GET');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(res.body.keys[0]).not.toHaveProperty('d');
  });
});
