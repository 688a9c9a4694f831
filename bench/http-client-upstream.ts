// Upstream for bench/http-client.bench.ts: a minimal HTTP/1.1 keep-alive responder on raw TCP,
// so the upstream is not the bottleneck (node:http tops out below what undici can send).
// Answers every request (GET, no body) with a canned 200 JSON response. Prints its port.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

const body = '{"ok":true}';
const response = Buffer.from(
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nkeep-alive: timeout=60\r\n\r\n${body}`,
);
const END = Buffer.from('\r\n\r\n');

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    let data = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let count = 0;
    let at = data.indexOf(END);
    while (at !== -1) {
      count++;
      data = data.subarray(at + 4);
      at = data.indexOf(END);
    }
    pending = Buffer.from(data);
    if (count === 1) socket.write(response);
    else if (count > 1) socket.write(Buffer.concat(Array.from({ length: count }, () => response)));
  });
  socket.on('error', () => undefined);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
// Keep-alive clients (global fetch's pool) would hold server.close() open: exit at once.
process.on('SIGTERM', () => process.exit(0));
