/**
 * startService in-process, on real servers (port 0): config errors, the 503 while setup runs,
 * live reloads from a kubelet-style ConfigMap volume, the hooks at SIGTERM (a fake process
 * object, an injected exit) and a failed setup that still closes what it opened.
 */
import { EventEmitter, once } from 'node:events';
import { ConfigValidationError } from '@podkit/config';
import { ConfigurationError } from '@podkit/core';
import { createRouter } from '@podkit/http';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceDefinitionError, defineService, startService, type RunningService, type ServiceDefinition } from '../src/index.ts';
import { API_KEY, definition, harness } from './helpers/service.ts';
import { KubeletVolume } from './helpers/kubelet.ts';

const greeter = (over: Partial<ServiceDefinition<typeof definition.schema>> = {}): ServiceDefinition<typeof definition.schema> =>
  defineService({
    name: 'greeter',
    version: '1.2.3',
    config: definition,
    setup: ({ config }) => createRouter().get('/hello', {}, () => ({ greeting: config.greeting })),
    ...over,
  });

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function started(def: ServiceDefinition<typeof definition.schema>, h = harness()): Promise<RunningService<unknown>> {
  const running = await startService(def, h.options);
  cleanup.push(async () => {
    await running.server.close(1000);
    await running.service.close();
  });
  return running;
}

async function reloadsMetric(running: RunningService<unknown>, result: 'success' | 'failure'): Promise<number> {
  const text = (await running.service.metrics.expose()).body;
  const m = new RegExp(`^podkit_config_reloads_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`, 'm').exec(text);
  return m === null ? 0 : Number(m[1]);
}

describe('startService: config', () => {
  it('rejects with every problem of the config at once, before anything listens', async () => {
    const h = harness({ PORT: '80a' });
    const err = await startService(greeter(), { ...h.options, env: { PORT: '80a' } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigValidationError);
    expect((err as Error).message).toMatch(/2 problems/);
    expect((err as Error).message).toContain('port');
    expect((err as Error).message).toContain('apiKey');
    expect(h.logs.lines).toEqual([]);
  });

  it('names a missing port key or a wrong-typed conventional key as a definition error', async () => {
    const { defineConfig } = await import('@podkit/config');
    const { z } = await import('zod');
    const noPort = defineConfig(z.object({ greeting: z.string().default('hi') }));
    const def = { name: 'x', version: '1', config: noPort, setup: () => createRouter() };
    await expect(startService(def, harness().options)).rejects.toThrow(ServiceDefinitionError);
    await expect(startService(def, harness().options)).rejects.toThrow(/port is not a key of the config/);
    const textPort = defineConfig(z.object({ port: z.string().default('8080') }));
    await expect(startService({ ...def, config: textPort }, harness().options)).rejects.toThrow(/port must be an integer port 0-65535 in the config \(got string "8080"\)/);
    expect(() => defineService({ ...def, setup: undefined as never })).toThrow(/setup must be a function/);
  });

  it('a log.level the schema allows but the logger does not know is a configuration error naming it', async () => {
    await expect(startService(greeter(), harness({ LOG_LEVEL: 'loud' }).options)).rejects.toThrow(ConfigurationError);
    await expect(startService(greeter(), harness({ LOG_LEVEL: 'loud' }).options)).rejects.toThrow(/log\.level: string "loud" is not a log level/);
  });
});

describe('startService: startup', () => {
  it('answers 503 problems while setup runs (probes answer, startup down), then serves the router', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let onListening!: (a: { port: number; adminPort: number | undefined }) => void;
    const listened = new Promise<{ port: number; adminPort: number | undefined }>((resolve) => (onListening = resolve));
    const h = harness();
    const running = startService(
      greeter({
        setup: async ({ config }) => {
          await gate;
          return createRouter().get('/hello', {}, () => ({ greeting: config.greeting }));
        },
      }),
      { ...h.options, onListening },
    );
    const listening = await listened;
    const base = `http://127.0.0.1:${listening.port}`;
    const admin = `http://127.0.0.1:${listening.adminPort!}`;
    const starting = await fetch(`${base}/hello`);
    expect(starting.status).toBe(503);
    expect(starting.headers.get('content-type')).toContain('application/problem+json');
    expect(starting.headers.get('retry-after')).toBe('1');
    expect((await fetch(`${admin}/health`)).status).toBe(200);
    expect((await fetch(`${admin}/startup`)).status).toBe(503);
    release();
    const service = await running;
    cleanup.push(async () => {
      await service.server.close(1000);
      await service.service.close();
    });
    expect(await (await fetch(`${base}/hello`)).json()).toEqual({ greeting: 'hello' });
    expect((await fetch(`${admin}/startup`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(404); // probes and metrics stay on the admin port
    const loaded = h.logs.lines.find((l) => l.msg === 'configuration loaded');
    expect(loaded?.config).toMatchObject({ apiKey: '[redacted]', greeting: 'hello' });
    expect(h.logs.lines.some((l) => l.msg === 'http server listening')).toBe(true);
    expect(h.logs.lines.find((l) => l.msg === 'service ready')).toMatchObject({ port: listening.port, adminPort: listening.adminPort });
    expect(h.logs.raw.join('\n')).not.toContain(API_KEY);
  });

  it('accepts a plain request listener from setup', async () => {
    const running = await started(greeter({ setup: () => (_req, res) => res.end('plain') }));
    expect(await (await fetch(`http://127.0.0.1:${running.port}/x`)).text()).toBe('plain');
  });
});

describe('startService: reloads (kubelet ..data swap)', () => {
  it('applies log.level live, counts reloads, keeps the last good config on a rejected update, reports restart-only keys', async () => {
    const volume = new KubeletVolume({ 'log.level': 'info', greeting: 'hello' });
    cleanup.push(() => volume.remove());
    const h = harness({}, volume.dir);
    let seen: readonly string[] = [];
    const running = await started(
      greeter({
        setup: ({ config, onConfigChange }) => {
          onConfigChange(({ changed }) => (seen = changed));
          return createRouter().get('/hello', {}, () => ({ greeting: config.greeting }));
        },
      }),
      h,
    );
    expect(running.service.logger.level).toBe('info');

    volume.update({ 'log.level': 'debug', greeting: 'hello' });
    const reloaded = await h.logs.waitFor((l) => l.msg === 'configuration reloaded');
    expect(reloaded).toMatchObject({ changed: ['log.level'], restartRequired: [] });
    expect(running.service.logger.level).toBe('debug');
    expect(seen).toEqual(['log.level']);
    expect(await reloadsMetric(running, 'success')).toBe(1);

    volume.update({ 'log.level': 'verbose', greeting: 'hello' });
    const rejected = await h.logs.waitFor((l) => l.msg === 'configuration update rejected; keeping the last good one');
    expect(rejected.err.message).toContain('log.level');
    expect(await reloadsMetric(running, 'failure')).toBe(1);
    expect((running.currentConfig() as { log: { level: string } }).log.level).toBe('debug');
    expect(running.service.logger.level).toBe('debug');

    volume.update({ 'log.level': 'debug', greeting: 'bonjour' });
    const restart = await h.logs.waitFor((l) => String(l.msg).startsWith('configuration reloaded; restart'));
    expect(restart).toMatchObject({ level: 'warn', changed: ['greeting'], restartRequired: ['greeting'] });
    expect(await reloadsMetric(running, 'success')).toBe(2);
  });

  it('the reload line is logged when the level goes up (info → warn) and down (error → info)', async () => {
    const volume = new KubeletVolume({ 'log.level': 'info' });
    cleanup.push(() => volume.remove());
    const h = harness({}, volume.dir);
    const applied = new EventEmitter();
    const running = await started(
      greeter({
        setup: ({ onConfigChange }) => {
          onConfigChange(({ config }) => applied.emit('level', config.log.level));
          return createRouter();
        },
      }),
      h,
    );
    const swap = async (level: string): Promise<void> => {
      const done = once(applied, 'level');
      volume.update({ 'log.level': level });
      expect(await done).toEqual([level]);
    };
    await swap('warn'); // shown by the old level
    await swap('error'); // shown by neither: info lines are off before and after
    await swap('info'); // shown by the new level
    expect(h.logs.lines.filter((l) => l.msg === 'configuration reloaded').map((l) => l.changed)).toEqual([['log.level'], ['log.level']]);
    expect(running.service.logger.level).toBe('info');
  });

  it('a log.level the logger does not know is reported and the current level kept', async () => {
    const volume = new KubeletVolume({ 'log.level': 'warn' });
    cleanup.push(() => volume.remove());
    const h = harness({}, volume.dir);
    const running = await started(greeter(), h);
    expect(running.service.logger.level).toBe('warn');
    volume.update({ 'log.level': 'loud' });
    await h.logs.waitFor((l) => String(l.msg).startsWith('log.level of the update is not a log level'));
    expect(running.service.logger.level).toBe('warn');
  });
});

describe('startService: shutdown', () => {
  it('SIGTERM closes the upstream clients, the hooks, the watcher and the telemetry (last), then exits 0', async () => {
    const h = harness();
    const closed: string[] = [];
    const running = await startService(
      greeter({
        telemetry: ({ name, version }) => ({ logFields: { tracing: `${name}@${version}` }, close: () => void closed.push('telemetry') }),
        setup: ({ client, onShutdown }) => {
          client('upstream', 'http://127.0.0.1:1');
          client('other', 'http://127.0.0.1:2');
          onShutdown('pool', () => void closed.push('pool'), { timeoutMs: 500 });
          return createRouter();
        },
      }),
      h.options,
    );
    expect(h.logs.lines.find((l) => l.msg === 'configuration loaded')).toMatchObject({ tracing: 'greeter@1.2.3' });
    h.proc.emit('SIGTERM', 'SIGTERM');
    expect(await h.exited).toBe(0);
    const hooks = h.logs.lines.filter((l) => l.msg === 'shutdown hook done').map((l) => l.hook as string).filter((n) => !n.endsWith('-admin'));
    // reverse order of registration: the clients' hook was added with the first client, before pool
    expect(hooks).toEqual(['pool', 'upstream-clients', 'config-watch', 'telemetry', 'health-checks']);
    expect(closed).toEqual(['pool', 'telemetry']);
    await fetch(`http://127.0.0.1:${running.port}/`).then(
      () => expect.unreachable('the server still listens'),
      (err: unknown) => expect(err).toBeInstanceOf(TypeError),
    );
    await running.service.close();
  });

  it('a failing setup runs the shutdown (closing what it opened) without exiting, and rejects with its error', async () => {
    const h = harness();
    let exitCalled = false;
    const closed: string[] = [];
    const err = await startService(
      greeter({
        telemetry: () => ({ close: () => void closed.push('telemetry') }),
        setup: ({ onShutdown }) => {
          onShutdown('pool', () => void closed.push('pool'));
          return Promise.reject(new Error('migrations failed'));
        },
      }),
      { ...h.options, exit: () => (exitCalled = true) },
    ).then(() => undefined, (e: unknown) => e);
    expect((err as Error).message).toBe('migrations failed');
    expect(closed).toEqual(['pool', 'telemetry']);
    expect(exitCalled).toBe(false);
    expect(h.logs.lines.find((l) => l.msg === 'startup failed')?.err.message).toBe('migrations failed');
  });

  it('a ConfigurationError from setup is logged without a stack', async () => {
    const h = harness();
    class KeyError extends ConfigurationError {}
    await expect(startService(greeter({ setup: () => Promise.reject(new KeyError('signing-key (from SIGNING_KEY) is not PEM')) }), h.options)).rejects.toThrow(KeyError);
    const fatal = h.logs.lines.find((l) => l.level === 'fatal');
    expect(fatal).toEqual(expect.objectContaining({ msg: 'startup failed: configuration problem', code: 'ERR_PODKIT_CONFIGURATION', reason: 'signing-key (from SIGNING_KEY) is not PEM' }));
    expect(JSON.stringify(fatal)).not.toContain('    at ');
  });

  it('a setup returning neither a router nor a listener is a definition error', async () => {
    await expect(startService(greeter({ setup: () => ({}) as never }), harness().options)).rejects.toThrow(/setup must return a Router, a request listener or undefined \(got an object\)/);
  });

  it('a setup returning undefined (a worker) answers 404 problems on the public port; the admin port serves probes and /metrics', async () => {
    const running = await started(greeter({ setup: () => undefined }), harness({ ADMIN_PORT: '0' }));
    const pub = await fetch(`http://127.0.0.1:${String(running.port)}/greet/Ada`);
    expect(pub.status).toBe(404);
    expect(pub.headers.get('content-type')).toContain('application/problem+json');
    expect(((await pub.json()) as { detail?: string }).detail).toBe('greeter serves no API on this port');
    expect((await fetch(`http://127.0.0.1:${String(running.adminPort)}/ready`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${String(running.adminPort)}/metrics`)).status).toBe(200);
  });

  it('a taken port releases the watcher and the telemetry and rejects with ListenError', async () => {
    const first = await started(greeter());
    const closed: string[] = [];
    const err = await startService(greeter({ telemetry: () => ({ close: () => void closed.push('telemetry') }) }), harness({ PORT: String(first.port) }).options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as { code?: string }).code).toBe('ERR_PODKIT_HTTP_LISTEN');
    expect(closed).toEqual(['telemetry']);
  });
});
