import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** One Ready endpoint of a Service. @internal */
export interface Endpoint {
  readonly pod: string;
  readonly port: number;
}

/**
 * A Kubernetes Service as kube-proxy implements it: balancing per connection, not per request.
 * A new connection goes to one of the endpoints listed now (round robin) and stays on that pod
 * for its life, whatever happens to the endpoint list; with no endpoint it is reset at once.
 * Other processes (a gateway calling this Service) reach it through this TCP relay; the
 * simulator's own load skips the relay and connects straight to the endpoint {@link pick}
 * chooses, as iptables DNAT does, so no extra hop widens any race.
 * @internal
 */
export class ServiceProxy {
  readonly name: string;
  readonly #server: Server;
  readonly #endpoints: Endpoint[] = [];
  readonly #sockets = new Set<Socket>();
  /** Client (remote) port → pod its connection went to, or `null` when it was refused. */
  readonly #routes = new Map<number, string | null>();
  #next = 0;

  constructor(name: string) {
    this.name = name;
    this.#server = createServer((client) => this.#route(client));
  }

  async listen(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    return this;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  /** The pods listed now. */
  endpoints(): string[] {
    return this.#endpoints.map((e) => e.pod);
  }

  add(endpoint: Endpoint): void {
    this.remove(endpoint.pod);
    this.#endpoints.push(endpoint);
  }

  remove(pod: string): void {
    const i = this.#endpoints.findIndex((e) => e.pod === pod);
    if (i >= 0) this.#endpoints.splice(i, 1);
  }

  /** Where the connection from the client's local `port` went: a pod, `null` (refused) or `undefined` (unknown). */
  routeOf(port: number): string | null | undefined {
    return this.#routes.get(port);
  }

  /** The endpoint a new connection goes to now (round robin), as kube-proxy picks it at connect time. */
  pick(): Endpoint | undefined {
    if (this.#endpoints.length === 0) return undefined;
    return this.#endpoints[this.#next++ % this.#endpoints.length];
  }

  async close(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    this.#server.close();
    await once(this.#server, 'close').catch(() => undefined);
  }

  #route(client: Socket): void {
    this.#sockets.add(client);
    client.on('close', () => this.#sockets.delete(client));
    client.on('error', () => undefined);
    const clientPort = client.remotePort ?? 0;
    const endpoint = this.pick();
    if (endpoint === undefined) {
      this.#routes.set(clientPort, null);
      client.resetAndDestroy();
      return;
    }
    this.#routes.set(clientPort, endpoint.pod);
    const upstream = connect(endpoint.port, '127.0.0.1');
    this.#sockets.add(upstream);
    let connected = false;
    upstream.on('connect', () => {
      connected = true;
    });
    upstream.on('error', () => {
      // the pod's listener is gone: what the client sees through kube-proxy is a refused connection
      if (!connected) this.#routes.set(clientPort, null);
    });
    upstream.on('close', (hadError) => {
      this.#sockets.delete(upstream);
      if (client.destroyed) return;
      if (hadError) client.resetAndDestroy();
      else client.end();
    });
    client.on('close', () => upstream.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
