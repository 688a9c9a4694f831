import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';

/** A port free right now on 127.0.0.1 (bound on 0, then released). @internal */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Whether a TCP connection to 127.0.0.1:`port` is accepted. @internal */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}
