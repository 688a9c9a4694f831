import { fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
const ac = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const variants: [string, string, Record<string, string>][] = [
  ['bare', 'bare', {}],
  ['svc', 'service', {}],
  ['svc no-access', 'service', { ACCESS_LOG: 'false' }],
  ['svc no-otel', 'service', { OTEL_SDK_DISABLED: 'true' }],
  ['svc no-otel no-access', 'service', { OTEL_SDK_DISABLED: 'true', ACCESS_LOG: 'false' }],
];
const res: Record<string, number[]> = {};
for (let round = 0; round < 2; round++) for (const [name, v, env] of variants) {
  const child = fork(new URL('./service-config-target.ts', import.meta.url), [v], { execArgv: ['--conditions=@podkit/source'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production', ...env } });
  const [m] = (await once(child, 'message')) as [{ port: number }];
  const url = `http://127.0.0.1:${m.port}/`;
  const runAc = async (args: string[]) => { const c = spawn('taskset', ['-c', '1', process.execPath, ac, '--json', '--no-progress', ...args, url], { stdio: ['ignore', 'pipe', 'ignore'] }); let o = ''; c.stdout.on('data', (d) => (o += d)); await once(c, 'exit'); return JSON.parse(o); };
  spawnSync(child.pid!);
  await runAc(['-c', '50', '-d', '1']);
  const cpu = async () => { child.send('cpu'); const [u] = (await once(child, 'message')) as any; return u.user + u.system; };
  const a = await cpu(); const r = await runAc(['-c', '50', '-d', '3', '-R', '3000']); const b = await cpu();
  (res[name] ??= []).push((b - a) / r.requests.total);
  child.kill('SIGKILL');
}
function spawnSync(pid: number) { spawn('taskset', ['-a', '-p', '-c', '0', String(pid)], { stdio: 'ignore' }); }
for (const [name] of variants) console.log(name.padEnd(24), res[name]!.map((x) => x.toFixed(1)).join(' '), (Math.min(...res[name]!) / Math.min(...res['bare']!)).toFixed(2));
