import { createServer, connect } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/** A TCP proxy in front of a real server that can stop forwarding (a "paused" connection). */
export interface PausableProxy {
  readonly port: number;
  /** Stops forwarding bytes both ways (held, not dropped); connections stay open. */
  pause(): void;
  /** Forwards what was held and everything after. */
  resume(): void;
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1, port 0, forwarding to `target`. */
export async function startPausableProxy(target: { host: string; port: number }): Promise<PausableProxy> {
  let paused = false;
  const flushers = new Set<() => void>();
  const sockets = new Set<Socket>();
  const forward = (from: Socket, to: Socket): void => {
    const held: Buffer[] = [];
    from.on('data', (chunk: Buffer) => {
      if (paused) held.push(chunk);
      else to.write(chunk);
    });
    flushers.add(() => {
      for (const chunk of held.splice(0)) to.write(chunk);
    });
  };
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    pause: () => void (paused = true),
    resume: () => {
      paused = false;
      for (const flush of flushers) flush();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Host and port of a `postgres://` or `redis://` URL. */
export function hostPort(url: string, fallbackPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port === '' ? fallbackPort : Number(u.port) };
}
