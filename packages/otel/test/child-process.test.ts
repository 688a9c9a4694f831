import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from './helpers/otlp-receiver.ts';

const fixture = fileURLToPath(new URL('./fixtures/traced-service.ts', import.meta.url));
let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

function run(mode: 'natural' | 'sigterm'): { child: ReturnType<typeof spawn>; output: () => string; exited: Promise<[number | null, string | null]> } {
  const child = spawn(process.execPath, ['--conditions=@podkit/source', fixture, mode], {
    env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint, KUBERNETES_SERVICE_HOST: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
}

it('leaves nothing that keeps the process alive (batch timer, exporter sockets) after an export', async () => {
  const { exited, output } = run('natural');
  const [code] = await exited;
  expect(code, output()).toBe(0);
  expect(receiver.spans.filter((s) => s.name === 'natural').map((s) => s.serviceName)).toEqual(['child']);
});

it('flushes a span that ended just before SIGTERM in the telemetry shutdown hook, then exits 0', async () => {
  const { child, exited, output } = run('sigterm');
  for (let i = 0; !output().includes('"span ended"'); i++) {
    if (child.exitCode !== null || i > 600) throw new Error(`no "span ended" line: ${output()}`);
    await once(child.stdout!, 'data');
  }
  expect(receiver.spans.some((s) => s.name === 'before sigterm')).toBe(false); // batched: not sent yet
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  expect([code, signal], output()).toEqual([0, null]);
  expect(receiver.spans.filter((s) => s.name === 'before sigterm').map((s) => s.serviceName)).toEqual(['child']);
}, 60_000);
