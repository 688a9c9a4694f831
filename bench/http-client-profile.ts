// CPU µs per call of the podkit client next to bare undici Pool.request and next to bare undici doing
// by hand what a cancellable, traced call needs (x-request-id from a request context, an abort
// signal passed to undici, a timer), rounds alternating in one process. A driver for profiling:
//   flock /tmp/podkit-bench.lock taskset -c 0 node --conditions=@podkit/source [--cpu-prof] bench/http-client-profile.ts
// Env: N calls per round (100000), R rounds (5), ONLY=<variant> to run one variant after warm-up.
import { EventEmitter } from 'node:events';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { runWithRequestContext } from '@podkit/core';
import { createClient } from '@podkit/http';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
const child = spawn('taskset', ['-c', '1', process.execPath, fileURLToPath(new URL('./http-client-upstream.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(child.stdout, 'data')) as [Buffer];
const url = `http://127.0.0.1:${line.toString().trim()}`;
const pool = new Pool(url, { connections: 100, pipelining: 1, keepAliveTimeout: 4000 });
const podkit = createClient({ name: 'bench', baseUrl: url, registry: new Registry() });
const variants: Record<string, () => Promise<unknown>> = {
  bare: async () => (await pool.request({ path: '/', method: 'GET' })).body.text(),
  // bare undici doing the same unavoidable work as the client: an x-request-id header from a request
  // context, an abort signal and a timer per call
  equiv: () => runWithRequestContext({ requestId: 'bench' }, async () => { const ee = new EventEmitter(); const t = setTimeout(() => ee.emit('abort'), 30000); t.unref(); try { const r = await pool.request({ path: '/', method: 'GET', headers: { 'x-request-id': 'bench' }, signal: ee }); return await r.body.text(); } finally { clearTimeout(t); } }),
  ctxHeader: () => runWithRequestContext({ requestId: 'bench' }, async () => (await pool.request({ path: '/', method: 'GET', headers: { 'x-request-id': 'bench' } })).body.text()),
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
for (const [k, v] of Object.entries(res)) console.log(k.padEnd(8), 'minCPU', Math.min(...v.us).toFixed(1), 'us  medCPU', v.us.sort((a,b)=>a-b)[v.us.length>>1]!.toFixed(1), ' best', Math.round(Math.max(...v.rate)), '/s');
if (res.bare && res.podkit) console.log('ratio CPU', (Math.min(...res.bare.us)/Math.min(...res.podkit.us)).toFixed(3));
await pool.close(); await podkit.close(); child.kill();
