// A user's test with fake timers still closes its server: the drain waits on node:timers, not on
// the (faked) globals.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serve } from '../../src/index.ts';
import { createTestService } from './helpers/service.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('drain under fake timers', () => {
  it('closes a server with an idle keep-alive connection while the globals are faked', async () => {
    const t = createTestService();
    const server = await serve(t.service, (_req, res) => res.end('ok'), { port: 0, host: '127.0.0.1', accessLog: false });
    const socket: Socket = connect(server.port, '127.0.0.1');
    const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nHost: t\r\n\r\n');
    await answered;
    vi.useFakeTimers();
    const result = await server.drain({ deadline: Date.now() + 30_000, signal: new AbortController().signal });
    expect(result).toMatchObject({ cut: 0, idleClosed: 1 });
    await server.close(100);
    socket.destroy();
  });
});
