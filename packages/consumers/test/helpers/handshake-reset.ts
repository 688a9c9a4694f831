/**
 * A TCP relay in front of a real broker that resets the client's connection at a chosen point of
 * the AMQP 0-9-1 handshake, from the frames the client sends: after its protocol header, after
 * its `connection.start-ok`, or when it opens a channel (`channel.open`). Each armed reset fires
 * once, on the connection where the point is reached; later connections pass.
 */
import { EventEmitter, once } from 'node:events';
import { connect, createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { joinSockets } from './tcp-relay.ts';

/** Where in the client's handshake the connection is reset. */
export type HandshakePoint = 'protocol-header' | 'start-ok' | 'channel-open';

export interface HandshakeResetRelay {
  readonly port: number;
  /** Resets the next connections that reach `point`, `times` of them (one each). */
  arm(point: HandshakePoint, times: number): void;
  /** Resolves when `n` armed resets have fired since the relay started. */
  resets(n: number): Promise<void>;
  /** Resets every open connection. */
  cut(): void;
  close(): Promise<void>;
}

const HEADER = 8; // "AMQP" 0 0 9 1
const METHODS: Record<Exclude<HandshakePoint, 'protocol-header'>, [number, number]> = {
  'start-ok': [10, 11],
  'channel-open': [20, 10],
};

/** The next complete unit the client sent (its protocol header, then frames) and the point it is. */
function nextFrame(b: Buffer, headerDone: boolean): { length: number; point: HandshakePoint | undefined } | undefined {
  if (!headerDone) return b.length < HEADER ? undefined : { length: HEADER, point: 'protocol-header' };
  if (b.length < 7) return undefined;
  const length = 8 + b.readUInt32BE(3);
  if (b.length < length) return undefined;
  let point: HandshakePoint | undefined;
  if (b[0] === 1 && length >= 12) {
    const cls = b.readUInt16BE(7);
    const id = b.readUInt16BE(9);
    for (const [name, [c, m]] of Object.entries(METHODS)) if (cls === c && id === m) point = name as HandshakePoint;
  }
  return { length, point };
}

export async function startHandshakeResetRelay(targetPort: number, targetHost = '127.0.0.1'): Promise<HandshakeResetRelay> {
  const open = new Set<Socket>();
  const armed: HandshakePoint[] = [];
  const events = new EventEmitter();
  let fired = 0;

  function reset(client: Socket): void {
    fired++;
    client.resetAndDestroy();
    events.emit('reset');
  }

  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    joinSockets(client, upstream, open);
    upstream.pipe(client);
    let pending: Buffer = Buffer.alloc(0);
    let headerDone = false;
    client.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      for (;;) {
        const frame = nextFrame(pending, headerDone);
        if (frame === undefined) return;
        if (frame.point !== undefined && armed[0] === frame.point) {
          armed.shift();
          reset(client);
          return;
        }
        upstream.write(pending.subarray(0, frame.length));
        pending = pending.subarray(frame.length);
        headerDone = true;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    arm(point, times) {
      for (let i = 0; i < times; i++) armed.push(point);
    },
    async resets(n) {
      while (fired < n) await once(events, 'reset');
    },
    cut() {
      for (const s of [...open]) s.resetAndDestroy();
    },
    async close() {
      for (const s of [...open]) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
