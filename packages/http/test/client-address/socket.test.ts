// The resolver over real sockets: a node:http server on an ephemeral port, where the peer is what
// the kernel reports (127.0.0.1, ::1, or ::ffff:127.0.0.1 on a dual-stack listener).
import { once } from 'node:events';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK_PROXIES, createClientAddressResolver, type ClientAddressResolver } from '../../src/index.ts';

let resolver: ClientAddressResolver;
let server: Server;
let port: number;

beforeAll(async () => {
  // dual stack: IPv4 callers arrive as ::ffff:127.0.0.1
  server = createServer((req, res) => res.end(`${req.socket.remoteAddress ?? ''} ${resolver(req)}`)).listen(0, '::');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

/** Sends one request from `host`; a header given as an array goes as that many header lines. */
async function seen(host: '127.0.0.1' | '::1', trusted: readonly string[], headers: Record<string, string | string[]> = {}, header?: 'forwarded'): Promise<string[]> {
  resolver = createClientAddressResolver({ trustedProxies: trusted, ...(header === undefined ? {} : { header }) });
  const body = await new Promise<string>((resolve, reject) => {
    const req = request({ host, port, path: '/', agent: false }, (res) => {
      res.setEncoding('utf8');
      let text = '';
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(text));
    });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.on('error', reject).end();
  });
  return body.split(' ');
}

describe('client address over a real socket', () => {
  it('an untrusted peer is the client; X-Forwarded-For, Forwarded and X-Real-IP are ignored', async () => {
    const lies = { 'x-forwarded-for': '203.0.113.9', forwarded: 'for=203.0.113.9', 'x-real-ip': '203.0.113.9' };
    expect(await seen('127.0.0.1', ['10.0.0.0/8'], lies)).toEqual(['::ffff:127.0.0.1', '127.0.0.1']);
    expect(await seen('::1', ['127.0.0.0/8'], lies)).toEqual(['::1', '::1']);
    expect(await seen('::1', ['127.0.0.0/8'], lies, 'forwarded')).toEqual(['::1', '::1']);
  });

  it('a mapped IPv4 peer matches an IPv4 range; an IPv6 peer an IPv6 one', async () => {
    expect(await seen('127.0.0.1', ['127.0.0.1'], { 'x-forwarded-for': '203.0.113.9' })).toEqual(['::ffff:127.0.0.1', '203.0.113.9']);
    expect(await seen('::1', ['::1'], { 'x-forwarded-for': '2001:db8::9' })).toEqual(['::1', '2001:db8::9']);
    expect(await seen('::1', LOOPBACK_PROXIES, { forwarded: 'for="[2001:db8::9]:4711"' }, 'forwarded')).toEqual(['::1', '2001:db8::9']);
  });

  it('behind a trusted chain, client-written entries left of the client never win', async () => {
    const list = [...LOOPBACK_PROXIES, '10.0.0.0/8'];
    expect(await seen('127.0.0.1', list, { 'x-forwarded-for': '127.0.0.1, 198.51.100.1, 203.0.113.9, 10.1.2.3' })).toEqual(['::ffff:127.0.0.1', '203.0.113.9']);
    // the client's own header line, then the proxy's line: Node joins them in order
    expect(await seen('::1', list, { 'x-forwarded-for': ['10.9.9.9', '203.0.113.9, 10.1.2.3'] })).toEqual(['::1', '203.0.113.9']);
    expect(await seen('::1', list, { forwarded: ['for="10.9.9.9', 'for=203.0.113.9, for=10.1.2.3'] }, 'forwarded')).toEqual(['::1', '203.0.113.9']);
  });

  it('garbage in the header never throws: the last trusted hop, or the peer', async () => {
    const list = [...LOOPBACK_PROXIES, '10.0.0.0/8'];
    expect(await seen('127.0.0.1', list, { 'x-forwarded-for': 'garbage' })).toEqual(['::ffff:127.0.0.1', '127.0.0.1']);
    expect(await seen('127.0.0.1', list, { 'x-forwarded-for': '<script>, 10.1.2.3' })).toEqual(['::ffff:127.0.0.1', '10.1.2.3']);
    expect(await seen('::1', list, { forwarded: 'for="unterminated' }, 'forwarded')).toEqual(['::1', '::1']);
  });
});
