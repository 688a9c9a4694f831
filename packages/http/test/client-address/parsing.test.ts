import { describe, expect, it } from 'vitest';
import { hopAddress, normalizeAddress } from '../../src/client-address/address.ts';
import { forwardedFor } from '../../src/client-address/forwarded.ts';
import { LOOPBACK_PROXIES, TrustedProxyError, isAddressOrRange, isPodkitHttpError, trustedProxies } from '../../src/index.ts';

describe('normalizeAddress', () => {
  it('turns IPv4-mapped IPv6 into IPv4, in every spelling, and leaves the rest alone', () => {
    expect(normalizeAddress('::ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(normalizeAddress('::FFFF:10.0.0.7')).toBe('10.0.0.7');
    expect(normalizeAddress('0:0:0:0:0:ffff:10.0.0.7')).toBe('10.0.0.7');
    expect(normalizeAddress('::ffff:a00:7')).toBe('10.0.0.7');
    expect(normalizeAddress('::ffff:7f00:1')).toBe('127.0.0.1');
    for (const same of ['10.0.0.7', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:999.0.0.1', '1::ffff:10.0.0.7', 'unknown']) {
      expect(normalizeAddress(same), same).toBe(same);
    }
  });
});

describe('hopAddress', () => {
  it('reads an address with or without a port and brackets', () => {
    expect(hopAddress('203.0.113.9')).toBe('203.0.113.9');
    expect(hopAddress('203.0.113.9:4711')).toBe('203.0.113.9');
    expect(hopAddress('2001:db8::1')).toBe('2001:db8::1');
    expect(hopAddress('[2001:db8::1]')).toBe('2001:db8::1');
    expect(hopAddress('[2001:db8::1]:4711')).toBe('2001:db8::1');
    expect(hopAddress('[2001:db8::1]:_port')).toBe('2001:db8::1');
    expect(hopAddress('[::ffff:203.0.113.9]:80')).toBe('203.0.113.9');
    expect(hopAddress('fe80::1%eth0')).toBe('fe80::1%eth0');
  });

  it('names no address for identifiers and garbage', () => {
    for (const bad of [
      '',
      'unknown',
      '_hidden',
      'gateway.local',
      '203.0.113',
      '203.0.113.9:',
      '203.0.113.9:123456',
      '203.0.113.9:80:80',
      '[203.0.113.9]',
      '[2001:db8::1',
      '[2001:db8::1]x',
      '[2001:db8::1]:',
      '2001:db8::1:99999',
      '01.2.3.4',
      '1.2.3.4/8',
      '<script>',
      '\u0000',
    ]) {
      expect(hopAddress(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('forwardedFor (RFC 7239 element)', () => {
  it('reads the for parameter of the examples of RFC 7239', () => {
    expect(forwardedFor('for="_gazonk"')).toBe('_gazonk');
    expect(forwardedFor('For="[2001:db8:cafe::17]:4711"')).toBe('[2001:db8:cafe::17]:4711');
    expect(forwardedFor('for=192.0.2.60;proto=http;by=203.0.113.43')).toBe('192.0.2.60');
    expect(forwardedFor(' for=192.0.2.43')).toBe('192.0.2.43');
    expect(forwardedFor('proto=https; for=192.0.2.43 ;by=_x')).toBe('192.0.2.43');
    expect(forwardedFor('for=unknown')).toBe('unknown');
    expect(forwardedFor('host="a;b";for=192.0.2.1')).toBe('192.0.2.1');
    expect(forwardedFor(String.raw`for="192.0.2.\1"`)).toBe('192.0.2.1');
    expect(forwardedFor(';;for=192.0.2.1;')).toBe('192.0.2.1');
  });

  it('is undefined for an element without for, with two, or malformed', () => {
    for (const bad of [
      '',
      'proto=http',
      'for=192.0.2.1;for=192.0.2.2',
      'for=',
      'for="192.0.2.1',
      'for="192.0.2.1"x',
      'for=[2001:db8::1]',
      'for = 192.0.2.1',
      'for=192.0.2.1 proto=http',
      '192.0.2.1',
      '=192.0.2.1',
      'f(r=192.0.2.1',
      'for="192.0.2.1\\',
    ]) {
      expect(forwardedFor(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});

describe('isAddressOrRange and trustedProxies', () => {
  it('accepts addresses and CIDR ranges only', () => {
    for (const ok of ['10.0.0.0/8', '127.0.0.1', '::1/128', 'fd00::/8', '0.0.0.0/0', '::/0', ' 10.0.0.1 ', ...LOOPBACK_PROXIES]) {
      expect(isAddressOrRange(ok), ok).toBe(true);
    }
    for (const bad of ['10.0.0.0/33', 'gateway', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x', '10.0.0.0/', '', 'fe80::1%eth0', '10.0.0.0/-1', '10.0.0.0/08x']) {
      expect(isAddressOrRange(bad), bad).toBe(false);
    }
  });

  it('refuses a bad entry with a TrustedProxyError naming it', () => {
    const err = (() => {
      try {
        trustedProxies(['10.0.0.0/8', 'gateway']);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(TrustedProxyError);
    expect(isPodkitHttpError(err)).toBe(true);
    expect(err).toMatchObject({ code: 'ERR_PODKIT_HTTP_TRUSTED_PROXY', name: 'TrustedProxyError', entry: 'gateway', index: 1 });
    expect((err as Error).message).toBe('trusted proxy "gateway" (entry 1) is not an IP address or CIDR range (e.g. 10.0.0.0/8, fd00::/8, 127.0.0.1)');
    expect(() => trustedProxies([42 as unknown as string])).toThrow(TrustedProxyError);
  });

  it('matches addresses in the ranges, mapped and zoned ones included, and never garbage', () => {
    const trusted = trustedProxies(['10.0.0.0/8', '2001:db8::/32', 'fe80::/10', '192.0.2.1']);
    for (const yes of ['10.1.2.3', '::ffff:10.1.2.3', '::ffff:a01:203', '2001:db8:1::5', 'fe80::1%eth0', '192.0.2.1']) expect(trusted.has(yes), yes).toBe(true);
    for (const no of ['11.0.0.1', '192.0.2.2', '2001:db9::1', '::1', '::ffff:11.0.0.1', 'unknown', '', '10.1.2.3:80', '[2001:db8::1]']) {
      expect(trusted.has(no), no).toBe(false);
    }
    expect(trustedProxies([]).has('127.0.0.1')).toBe(false);
  });
});
