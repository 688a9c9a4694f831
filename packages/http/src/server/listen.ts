import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenError } from './errors.ts';

/** Listens on `port`/`host` and resolves the bound address; rejects with {@link ListenError}. @internal */
export function listen(server: Server, port: number, host: string | undefined): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(new ListenError(`${host ?? '*'}:${port}`, err));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes `server` and destroys its connections; resolves when it is closed. @internal */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
