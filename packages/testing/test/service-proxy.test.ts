// The simulated Service balances connections, not requests: an established keep-alive
// connection stays on its pod after the endpoint is removed; new connections go to the
// endpoints listed now; with none, a connection is reset at once.
import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceProxy } from '../src/rollout/service-proxy.ts';

const servers: Server[] = [];
let proxy: ServiceProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    s.close();
  }
});

async function pod(name: string): Promise<number> {
  const server = createServer((_req, res) => res.end(name));
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function get(port: number, agent: Agent | false): Promise<string> {
  return new Promise((resolve) => {
    const r = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
    });
    r.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    r.end();
  });
}

describe('ServiceProxy', () => {
  it('keeps a keep-alive connection on its pod after the endpoint is removed, and sends new connections to the listed ones', async () => {
    proxy = await new ServiceProxy('svc').listen();
    proxy.add({ pod: 'a', port: await pod('a') });
    proxy.add({ pod: 'b', port: await pod('b') });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await get(proxy.port, agent);
      for (let i = 0; i < 5; i++) expect(await get(proxy.port, agent)).toBe(first);
      proxy.remove(first);
      expect(proxy.endpoints()).toEqual([first === 'a' ? 'b' : 'a']);
      expect(await get(proxy.port, agent)).toBe(first); // the established connection stays
      for (let i = 0; i < 3; i++) expect(await get(proxy.port, false)).not.toBe(first); // new ones do not
      proxy.remove(first === 'a' ? 'b' : 'a');
      expect(await get(proxy.port, false)).toMatch(/ECONNRESET|socket hang up/);
    } finally {
      agent.destroy();
    }
  });
});
