// The walk over the forwarding header, with the peer given: every case a proxy chain produces.
// socket.test.ts proves the same over real sockets, where the peer comes from the kernel.
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpOptionsError, TrustedProxyError, createClientAddressResolver, trustedProxies } from '../../src/index.ts';
import type { ClientAddressOptions } from '../../src/index.ts';

const EDGE = ['10.0.0.0/8', '2001:db8:ffff::/48'];

function resolve(peer: string | undefined, headers: IncomingHttpHeaders, options: Partial<ClientAddressOptions> = {}): string {
  return createClientAddressResolver({ trustedProxies: EDGE, ...options })({ headers, socket: { remoteAddress: peer } });
}

describe('createClientAddressResolver, X-Forwarded-For', () => {
  it('an untrusted peer is the client, whatever it writes', () => {
    expect(resolve('203.0.113.9', { 'x-forwarded-for': '10.0.0.1', 'x-real-ip': '10.0.0.1', forwarded: 'for=10.0.0.1' })).toBe('203.0.113.9');
    expect(resolve('::ffff:203.0.113.9', { 'x-forwarded-for': '198.51.100.1' })).toBe('203.0.113.9');
  });

  it('a trusted peer without the header is the client', () => {
    expect(resolve('10.0.0.5', {})).toBe('10.0.0.5');
    expect(resolve('10.0.0.5', { 'x-real-ip': '198.51.100.1' })).toBe('10.0.0.5');
  });

  it('behind a trusted chain, the rightmost address that is not a trusted proxy', () => {
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '203.0.113.9' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '203.0.113.9, 10.0.0.2, 10.0.0.3' })).toBe('203.0.113.9');
    expect(resolve('::ffff:10.0.0.5', { 'x-forwarded-for': '203.0.113.9,10.0.0.2' })).toBe('203.0.113.9');
  });

  it('never lets a client-written leftmost entry win', () => {
    // the client sent "X-Forwarded-For: 198.51.100.1" (or a trusted-looking 10.0.0.1); the edge appended its peer
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '198.51.100.1, 203.0.113.9' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '198.51.100.1, 10.0.0.1, 203.0.113.9, 10.0.0.2' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '127.0.0.1, 203.0.113.9' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '::1, 203.0.113.9' })).toBe('203.0.113.9');
    // the client names itself as unparseable garbage, or as many entries: the edge's entry wins
    expect(resolve('10.0.0.5', { 'x-forwarded-for': 'forged, 203.0.113.9' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': `${'198.51.100.1, '.repeat(500)}203.0.113.9` })).toBe('203.0.113.9');
  });

  it('mixes IPv4 and IPv6 hops, mapped, bracketed and with ports', () => {
    expect(resolve('2001:db8:ffff::1', { 'x-forwarded-for': '2001:db8:1::9, 10.0.0.2' })).toBe('2001:db8:1::9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '203.0.113.9, 2001:db8:ffff::2' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '::ffff:203.0.113.9, ::ffff:10.0.0.2' })).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '[2001:db8:1::9]:51234, 10.0.0.2:443' })).toBe('2001:db8:1::9');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '203.0.113.9:51234' })).toBe('203.0.113.9');
  });

  it('stops at a malformed hop: the trusted hop right of it is the answer; nothing throws', () => {
    expect(resolve('10.0.0.5', { 'x-forwarded-for': 'not-an-ip, 10.0.0.2' })).toBe('10.0.0.2');
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '203.0.113.9, unknown' })).toBe('10.0.0.5');
    for (const garbage of ['', ',', ' , ,', '\t', '"', '[', ']', '[::1', '::::', '1.2.3.4.5', 'a'.repeat(8000), '\u00ff\u0000', '%', '1.2.3.4/8']) {
      expect(resolve('10.0.0.5', { 'x-forwarded-for': garbage }), JSON.stringify(garbage)).toBe('10.0.0.5');
      expect(resolve('10.0.0.5', { 'x-forwarded-for': `${garbage}, 203.0.113.9` }), JSON.stringify(garbage)).toBe('203.0.113.9');
    }
  });

  it('with every hop trusted, the leftmost: a caller inside the trusted network', () => {
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '10.0.0.1, 10.0.0.2' })).toBe('10.0.0.1');
  });

  it('reads at most maxHops hops from the right', () => {
    const chain = Array.from({ length: 20 }, (_, i) => `10.0.0.${i + 1}`);
    const header = { 'x-forwarded-for': ['203.0.113.9', ...chain].join(', ') };
    // 20 trusted hops, a cap of 16: the 16th from the right, never the address behind the cap
    expect(resolve('10.0.0.100', header)).toBe('10.0.0.5');
    expect(resolve('10.0.0.100', header, { maxHops: 21 })).toBe('203.0.113.9');
    expect(resolve('10.0.0.100', header, { maxHops: 1 })).toBe('10.0.0.20');
    expect(resolve('10.0.0.100', { 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }, { maxHops: 2 })).toBe('203.0.113.9');
  });

  it('reads several header lines as one list (joined in order)', () => {
    expect(resolve('10.0.0.5', { 'x-forwarded-for': ['198.51.100.1', '203.0.113.9'] })).toBe('203.0.113.9');
  });

  it('has no address for a closed socket', () => {
    expect(resolve(undefined, { 'x-forwarded-for': '203.0.113.9' })).toBe('unknown');
  });

  it('trusts no one with an empty list, and takes a prebuilt set', () => {
    expect(resolve('10.0.0.5', { 'x-forwarded-for': '203.0.113.9' }, { trustedProxies: [] })).toBe('10.0.0.5');
    expect(resolve('192.0.2.1', { 'x-forwarded-for': '203.0.113.9' }, { trustedProxies: trustedProxies(['192.0.2.0/24']) })).toBe('203.0.113.9');
  });
});

describe('createClientAddressResolver, Forwarded (RFC 7239)', () => {
  const fwd = (peer: string, forwarded: string, xff?: string): string =>
    resolve(peer, { forwarded, ...(xff === undefined ? {} : { 'x-forwarded-for': xff }) }, { header: 'forwarded' });

  it('reads the for parameters from the right, as X-Forwarded-For', () => {
    expect(fwd('10.0.0.5', 'for=203.0.113.9;proto=https')).toBe('203.0.113.9');
    expect(fwd('10.0.0.5', 'for=198.51.100.1, for=203.0.113.9;proto=https, for=10.0.0.2;by=10.0.0.5')).toBe('203.0.113.9');
    expect(fwd('10.0.0.5', 'for="[2001:db8:1::9]:4711", for="[2001:db8:ffff::3]"')).toBe('2001:db8:1::9');
    expect(fwd('10.0.0.5', 'For="198.51.100.1:80";Proto=http')).toBe('198.51.100.1');
  });

  it('ignores X-Forwarded-For, and Forwarded when X-Forwarded-For is the header', () => {
    expect(fwd('10.0.0.5', 'for=203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(resolve('10.0.0.5', { forwarded: 'for=198.51.100.1', 'x-forwarded-for': '203.0.113.9' })).toBe('203.0.113.9');
    expect(fwd('10.0.0.5', '', '203.0.113.9')).toBe('10.0.0.5');
  });

  it('never lets a client-written element win, however malformed it is', () => {
    expect(fwd('10.0.0.5', 'for=10.0.0.1, for=203.0.113.9')).toBe('203.0.113.9');
    // an unterminated quote, a quoted comma, a bad pair: only that element is lost
    expect(fwd('10.0.0.5', 'for="10.0.0.1, for=203.0.113.9')).toBe('203.0.113.9');
    expect(fwd('10.0.0.5', 'for="10.0.0.1,10.0.0.2", for=203.0.113.9')).toBe('203.0.113.9');
    expect(fwd('10.0.0.5', 'for=10.0.0.1;for=10.0.0.2, for=203.0.113.9;proto=http')).toBe('203.0.113.9');
  });

  it('stops at an element that names no address: unknown, obfuscated, missing or malformed', () => {
    for (const bad of ['for=unknown', 'for=_hidden', 'proto=http', 'for=[2001:db8::1]', 'for=', '"', 'for=10.0.0.1;for=10.0.0.2']) {
      expect(fwd('10.0.0.5', `for=198.51.100.1, ${bad}, for=10.0.0.2`), bad).toBe('10.0.0.2');
      expect(fwd('10.0.0.5', bad), bad).toBe('10.0.0.5');
    }
  });
});

describe('createClientAddressResolver options', () => {
  it('refuses a bad entry, header or maxHops when it is built', () => {
    expect(() => createClientAddressResolver({ trustedProxies: ['10.0.0.0/8', 'ingress'] })).toThrow(TrustedProxyError);
    expect(() => createClientAddressResolver({ trustedProxies: [], header: 'x-real-ip' as 'forwarded' })).toThrow(HttpOptionsError);
    for (const trusted of ['10.0.0.0/8', undefined, {}]) {
      expect(() => createClientAddressResolver({ trustedProxies: trusted as never }), JSON.stringify(trusted) ?? 'undefined').toThrow(
        expect.objectContaining({ code: 'ERR_PODKIT_HTTP_OPTIONS', option: 'trustedProxies' }),
      );
    }
    for (const maxHops of [0, 1.5, -1, 1025, Number.NaN]) {
      expect(() => createClientAddressResolver({ trustedProxies: [], maxHops }), String(maxHops)).toThrow(
        expect.objectContaining({ code: 'ERR_PODKIT_HTTP_OPTIONS', option: 'maxHops' }),
      );
    }
  });
});
