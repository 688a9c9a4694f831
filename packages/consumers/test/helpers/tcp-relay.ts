/**
 * A TCP relay in front of a real broker, so a test can cut every connection (as a broker restart
 * or a network partition does) and refuse new ones for a while, without touching the broker
 * other tests share.
 */
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';

export interface TcpRelay {
  /** The relay's port on 127.0.0.1. */
  readonly port: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Resets every open connection (both sides). */
  cut(): void;
  /** While refusing, new connections are reset at once. */
  refuse(refusing: boolean): void;
  close(): Promise<void>;
}

/**
 * Tracks a client socket and its upstream in `open` and ties their ends: when either closes, both
 * are destroyed; their errors are ignored (a relay's sockets are reset on purpose).
 */
export function joinSockets(client: Socket, upstream: Socket, open: Set<Socket>): void {
  for (const s of [client, upstream]) {
    open.add(s);
    s.on('error', () => undefined);
    s.on('close', () => {
      open.delete(s);
      client.destroy();
      upstream.destroy();
    });
  }
}

export async function startTcpRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpRelay> {
  const open = new Set<Socket>();
  let refusing = false;
  let accepted = 0;
  const server = createServer((client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = connect(targetPort, targetHost);
    joinSockets(client, upstream, open);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted;
    },
    cut(): void {
      for (const s of [...open]) s.resetAndDestroy();
    },
    refuse(value: boolean): void {
      refusing = value;
    },
    async close(): Promise<void> {
      for (const s of [...open]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
