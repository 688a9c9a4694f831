// docs/http-server.md, "Client addresses behind proxies": the example runs as written, and the
// defaults the page states are the code's.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { DEFAULT_MAX_FORWARDED_HOPS, LOOPBACK_PROXIES, createClientAddressResolver, createRouter, isAddressOrRange } from '../../src/index.ts';
import { plainServer, useCleanup } from '../proxy/helpers.ts';

useCleanup();

const doc = readFileSync(new URL('../../../../docs/http-server.md', import.meta.url), 'utf8');

// The example's lines after its imports, verbatim.
const EXAMPLE = `// config key trusted-proxies: an entry that is neither an address nor a range fails the load
const TrustedProxies = z.array(z.string().refine(isAddressOrRange, 'expected an IP address or CIDR range'));
const clientAddress = createClientAddressResolver({ trustedProxies: TrustedProxies.parse(['10.0.0.0/8', '127.0.0.1']) });

const router = createRouter().get('/whoami', {}, ({ req }) => ({ address: clientAddress(req) }));`;

describe('docs/http-server.md, client addresses', () => {
  it('states the defaults the code has', () => {
    expect(DEFAULT_MAX_FORWARDED_HOPS).toBe(16);
    expect(doc).toContain('at most `maxHops` (16) hops are read');
    expect(doc).toContain(`\`LOOPBACK_PROXIES\` is\n\`${JSON.stringify(LOOPBACK_PROXIES).replaceAll('"', "'").replace(',', ', ')}\``);
    expect(doc).toContain("`header: 'x-forwarded-for'` (the default");
  });

  it('runs the example: the client behind the trusted peer, and a config that refuses a bad entry', async () => {
    expect(doc).toContain(EXAMPLE);
    // the example's lines, as written in the doc
    const TrustedProxies = z.array(z.string().refine(isAddressOrRange, 'expected an IP address or CIDR range'));
    const clientAddress = createClientAddressResolver({ trustedProxies: TrustedProxies.parse(['10.0.0.0/8', '127.0.0.1']) });

    const router = createRouter().get('/whoami', {}, ({ req }) => ({ address: clientAddress(req) }));

    const server = await plainServer(router.listener);
    const res = await fetch(`${server.url}/whoami`, { headers: { 'x-forwarded-for': '198.51.100.1, 203.0.113.9, 10.0.1.2' } });
    expect(await res.json()).toEqual({ address: '203.0.113.9' });
    expect(TrustedProxies.safeParse(['10.0.0.0/8', 'gateway']).error?.issues).toMatchObject([{ path: [1], message: 'expected an IP address or CIDR range' }]);
  });
});
