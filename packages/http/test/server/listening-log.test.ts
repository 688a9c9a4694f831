// serve() logs one `http server listening` line per server with its address and port (and the
// admin server's), read from the injected logger.
import { afterEach, describe, expect, it } from 'vitest';
import { serve } from '../../src/index.ts';
import type { PodkitServer } from '../../src/index.ts';
import { createTestService } from './helpers/service.ts';

const servers: PodkitServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close(100)));
});

describe('serve() logs where it listens', () => {
  it('one info line with the bound address and port', async () => {
    const t = createTestService();
    const server = await serve(t.service, (_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1' });
    servers.push(server);
    const lines = t.lines.filter((l) => l.msg === 'http server listening');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toEqual(expect.objectContaining({ level: 'info', server: 'http', address: '127.0.0.1', port: server.port }));
    expect(lines[0]).not.toHaveProperty('adminPort');
  });

  it('with the admin server’s address and port, and the drainer name of each serve()', async () => {
    const t = createTestService();
    const server = await serve(t.service, (_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1', adminPort: 0, adminHost: '127.0.0.1' });
    const second = await serve(t.service, (_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1', name: 'internal', probes: false });
    servers.push(server, second);
    const lines = t.lines.filter((l) => l.msg === 'http server listening');
    expect(lines).toEqual([
      expect.objectContaining({ level: 'info', server: 'http', address: '127.0.0.1', port: server.port, adminAddress: '127.0.0.1', adminPort: server.adminPort }),
      expect.objectContaining({ level: 'info', server: 'internal', address: '127.0.0.1', port: second.port }),
    ]);
    expect(server.adminPort).toBeGreaterThan(0);
  });

  it('logs nothing when listening fails', async () => {
    const t = createTestService();
    const first = await serve(t.service, (_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1' });
    servers.push(first);
    const other = createTestService();
    await expect(serve(other.service, () => {}, { port: first.port, host: '127.0.0.1' })).rejects.toMatchObject({ code: 'ERR_PODKIT_HTTP_LISTEN' });
    expect(other.lines.filter((l) => l.msg === 'http server listening')).toEqual([]);
  });
});
