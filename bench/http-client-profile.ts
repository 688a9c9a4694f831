// CPU µs per call of the podkit client (in a request context, and without one) next to bare undici
// Pool.request (alone, and sending x-request-id from a request context) and next to the floor: undici's
// dispatch with the least handler that reads a body as text. Rounds alternate in one process. A
// driver for profiling (variants share one process, so undici code shared between them is less
// optimised than in a process of its own: read it for costs, take ratios from http-client.bench.ts):
//   flock /tmp/podkit-bench.lock taskset -c 0 node --conditions=@podkit/source [--cpu-prof] bench/http-client-profile.ts
// Env: N calls per round (100000), R rounds (5), ONLY=<variant> to run one variant after warm-up.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { runWithRequestContext } from '@podkit/core';
import { createClient } from '@podkit/http';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import type { Dispatcher } from 'undici';
const child = spawn('taskset', ['-c', '1', process.execPath, fileURLToPath(new URL('./http-client-upstream.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(child.stdout, 'data')) as [Buffer];
const url = `http://127.0.0.1:${line.toString().trim()}`;
const pool = new Pool(url, { connections: 100, pipelining: 1, keepAliveTimeout: 4000 });
const podkit = createClient({ name: 'bench', baseUrl: url, registry: new Registry() });
/** The floor: undici's dispatch with the least handler that resolves a body as text (no layers). */
class TextHandler implements Dispatcher.DispatchHandler {
  readonly #resolve: (text: string) => void;
  readonly #reject: (error: Error) => void;
  #chunks: Buffer[] = [];
  constructor(resolve: (text: string) => void, reject: (error: Error) => void) {
    this.#resolve = resolve;
    this.#reject = reject;
  }
  onRequestStart(): void {}
  onResponseStart(): void {}
  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#chunks.push(chunk);
  }
  onResponseEnd(): void {
    this.#resolve(Buffer.concat(this.#chunks).toString('utf8'));
  }
  onResponseError(_c: Dispatcher.DispatchController | null, error: Error): void {
    this.#reject(error);
  }
}
const variants: Record<string, () => Promise<unknown>> = {
  bare: async () => (await pool.request({ path: '/', method: 'GET' })).body.text(),
  // bare undici sending the request id of the request context it runs in, as the client does
  ctxHeader: () => runWithRequestContext({ requestId: 'bench' }, async () => (await pool.request({ path: '/', method: 'GET', headers: { 'x-request-id': 'bench' } })).body.text()),
  floor: () => new Promise((resolve, reject) => pool.dispatch({ path: '/', method: 'GET' }, new TextHandler(resolve, reject))),
  podkitNoCtx: async () => (await podkit.get('/')).text(),
  podkit: () => runWithRequestContext({ requestId: 'bench' }, async () => (await podkit.get('/')).text()),
};
const only = process.env.ONLY;
async function measure(call: () => Promise<unknown>, n: number) {
  let done = 0;
  const cpu = process.cpuUsage(); const t0 = performance.now();
  const worker = async () => { while (done < n) { done++; await call(); } };
  await Promise.all(Array.from({ length: 50 }, worker));
  const u = process.cpuUsage(cpu);
  return { us: (u.user + u.system) / done, rate: done / ((performance.now() - t0) / 1000) };
}
const N = Number(process.env.N ?? 100000), R = Number(process.env.R ?? 5);
for (const k of Object.keys(variants)) if (!only || k === only) await measure(variants[k]!, 20000);
const res: Record<string, { us: number[]; rate: number[] }> = {};
for (let r = 0; r < R; r++) for (const k of Object.keys(variants)) {
  if (only && k !== only) continue;
  const m = await measure(variants[k]!, N);
  (res[k] ??= { us: [], rate: [] }); res[k].us.push(m.us); res[k].rate.push(m.rate);
}
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(12), 'minCPU', Math.min(...v.us).toFixed(1), 'us  medCPU', v.us.sort((a,b)=>a-b)[v.us.length>>1]!.toFixed(1), ' best', Math.round(Math.max(...v.rate)), '/s');
if (res.bare && res.podkit) console.log('ratio CPU', (Math.min(...res.bare.us)/Math.min(...res.podkit.us)).toFixed(3));
await pool.close(); await podkit.close(); child.kill();
