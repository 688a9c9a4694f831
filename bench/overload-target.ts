// Child process of bench/overload.bench.ts: a podkit server whose `/cpu` handler burns CPU_MS
// of CPU per request (the event loop saturates under load). Variant (argv[2]): `default`
// (serve()'s defaults), `off` (`loadShedding: false`, the old default), `turn` (the turn rule
// only: `loadShedding: { windowMs: false }`), `admin` (defaults, probes on `adminPort`).
// Prints "<port> <probe port>" on stdout. Run with --conditions=@podkit/source.
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino from 'pino';
import { serve } from '@podkit/http';
import type { ServeOptions } from '@podkit/http';
import { benchService, reportReady } from './lib/target-child.ts';

const variant = process.argv[2] ?? 'default';
const CPU_MS = Number(process.env.CPU_MS ?? 25);

function burn(req: IncomingMessage, res: ServerResponse): void {
  const until = performance.now() + CPU_MS;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ url: req.url, x: x > 0 }));
}

const service = benchService(pino.destination({ dest: '/dev/null', sync: true }), 'overload');
const options: ServeOptions = { port: 0, host: '127.0.0.1', accessLog: false };
if (variant === 'off') options.loadShedding = false;
else if (variant === 'turn') options.loadShedding = { windowMs: false };
else if (variant === 'admin') options.adminPort = 0;
else if (variant !== 'default') throw new Error(`unknown variant ${variant}`);
const server = await serve(service, burn, options);
reportReady(`${String(server.port)} ${String(server.adminPort ?? server.port)}`);
