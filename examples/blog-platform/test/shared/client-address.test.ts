import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientAddress, isAddressOrRange, trustedProxies, type TrustedProxies } from '../../src/shared/http/client-address.ts';
import { listen, type TestServer } from '../helpers/http.ts';

describe('clientAddress over a real socket (the peer is 127.0.0.1)', () => {
  let server: TestServer;
  let trusted: TrustedProxies = trustedProxies([]);
  beforeAll(async () => {
    server = await listen((req, res) => res.end(clientAddress(req, trusted)));
  });
  afterAll(() => server.close());

  async function seen(list: string[], headers: Record<string, string> = {}): Promise<string> {
    trusted = trustedProxies(list);
    return (await fetch(server.url, { headers })).text();
  }

  it('an untrusted peer is the client, whatever it writes in X-Forwarded-For or X-Real-IP', async () => {
    expect(await seen(['10.0.0.0/8'], { 'x-forwarded-for': '203.0.113.9', 'x-real-ip': '203.0.113.9' })).toBe('127.0.0.1');
  });

  it('behind trusted proxies, the rightmost address that is not a trusted proxy', async () => {
    const list = ['127.0.0.0/8', '10.0.0.0/8'];
    expect(await seen(list, { 'x-forwarded-for': '203.0.113.9' })).toBe('203.0.113.9');
    // client-written entries left of the real client are never reached
    expect(await seen(list, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.1.2.3' })).toBe('203.0.113.9');
    expect(await seen(list, { 'x-forwarded-for': 'forged, 203.0.113.9' })).toBe('203.0.113.9');
    expect(await seen(list, { 'x-forwarded-for': '::ffff:203.0.113.9' })).toBe('203.0.113.9');
    // every hop trusted (a local client): the leftmost; garbage stops the walk at the last good hop
    expect(await seen(list, { 'x-forwarded-for': '127.0.0.1' })).toBe('127.0.0.1');
    expect(await seen(list, { 'x-forwarded-for': 'not-an-ip, 10.1.2.3' })).toBe('10.1.2.3');
    expect(await seen(list)).toBe('127.0.0.1');
  });

  it('accepts addresses and CIDR ranges only', () => {
    for (const ok of ['10.0.0.0/8', '127.0.0.1', '::1/128', 'fd00::/8']) expect(isAddressOrRange(ok), ok).toBe(true);
    for (const bad of ['10.0.0.0/33', 'gateway', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x', '']) expect(isAddressOrRange(bad), bad).toBe(false);
    expect(() => trustedProxies(['gateway'])).toThrow('trusted proxy "gateway" is not an IP address or CIDR range');
  });
});
