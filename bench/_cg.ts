// one-off: instruction counts per request under callgrind (deterministic whatever the load)
import { spawn, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
const variant = process.argv[2]!; const extraEnv = JSON.parse(process.argv[3] ?? '{}');
const ac = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const dir = mkdtempSync('/tmp/cg-');
const child = spawn('valgrind', ['--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${dir}/cg.out`, process.execPath, '--conditions=@podkit/source', '--no-opt-disable' === '' ? '' : '--max-semi-space-size=16', new URL('./service-config-target.ts', import.meta.url).pathname, variant], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], env: { ...process.env, NODE_ENV: 'production', ...extraEnv } });
let err = ''; child.stderr!.on('data', (d) => (err += d));
const [m] = (await once(child, 'message')) as [{ port: number }];
const url = `http://127.0.0.1:${m.port}/`;
const runAc = async (n: number) => { const c = spawn(process.execPath, [ac, '--json', '--no-progress', '-c', '10', '-a', String(n), url], { stdio: ['ignore', 'pipe', 'ignore'] }); let o = ''; c.stdout.on('data', (d) => (o += d)); await once(c, 'exit'); return JSON.parse(o); };
await runAc(3000); // warm-up (JIT) before instrumentation
execFileSync('callgrind_control', ['-i', 'on', String(child.pid)]);
const r = await runAc(2000);
execFileSync('callgrind_control', ['-d', String(child.pid)]);
child.kill('SIGKILL'); await once(child, 'exit');
let total = 0;
for (const f of readdirSync(dir)) { const t = readFileSync(`${dir}/${f}`, 'utf8'); const mm = /^summary: (\d+)/m.exec(t) ?? /^totals: (\d+)/m.exec(t); if (mm) total += Number(mm[1]); }
console.log(variant, JSON.stringify(extraEnv), 'requests', r.requests.total, 'instructions/req', Math.round(total / r.requests.total));
