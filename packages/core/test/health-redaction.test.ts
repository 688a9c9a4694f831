// Secret values registered for log redaction (`redactValues`) are masked in health reports too:
// check errors, startup-task failures, setReady reasons, on report() and on run().
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { createHealth, createLogger, createService } from '../src/index.ts';
import type { Health, Service } from '../src/index.ts';
import { capture } from './helpers/capture.ts';

const SECRET = 's3cr3t-"db"-pw';

let health: Health | undefined;
let service: Service | undefined;
afterEach(async () => {
  health?.close();
  health = undefined;
  await service?.close();
  service = undefined;
});

describe('health reports redact secret values', () => {
  it('masks a secret in a check error, in report() and in run()', async () => {
    health = createHealth({ redactValues: () => [SECRET] });
    health.register({ name: 'database', check: () => Promise.reject(new Error(`password authentication failed: "${SECRET}"`)) });
    health.markStarted();
    const { database } = await health.run('database');
    expect(database!.error).toBe('password authentication failed: "[redacted]"');
    const report = health.report('readiness');
    expect(report.checks.database!.error).toBe('password authentication failed: "[redacted]"');
    expect(JSON.stringify(report)).not.toContain('s3cr3t');
  });

  it('masks a secret in a failed startup task and in a setReady reason', async () => {
    health = createHealth({ redactValues: () => [SECRET] });
    const task = health.startupTask('migrations', Promise.reject(new Error(`cannot connect to postgres://app:${SECRET}@db/app`)));
    await task.catch(() => undefined);
    health.markStarted();
    expect(health.report('startup').reason).toBe('startup task "migrations" failed: cannot connect to postgres://app:[redacted]@db/app');
    expect(JSON.stringify(health.report('readiness'))).not.toContain('s3cr3t');

    const manual = createHealth({ redactValues: () => [SECRET] });
    manual.markStarted();
    manual.setReady(false, `rotating ${SECRET}`);
    expect(manual.report('readiness').reason).toBe('rotating [redacted]');
    manual.close();
  });

  it('re-reads the values: a secret added after the failure is masked, a rotated one stays masked', async () => {
    let secrets = ['old-secret-1'];
    health = createHealth({ redactValues: () => secrets });
    let message = 'auth failed for old-secret-1';
    health.register({ name: 'api', check: () => Promise.reject(new Error(message)) });
    await health.run('api');
    message = 'auth failed for new-secret-2';
    secrets = ['new-secret-2'];
    expect(health.report('readiness').checks.api!.error).toBe('auth failed for [redacted]'); // stored redacted
    await health.run('api');
    expect(health.report('readiness').checks.api!.error).toBe('auth failed for [redacted]');
    // a value registered after the result was stored is masked on read
    let lateSecrets: string[] = [];
    const lateHealth = createHealth({ redactValues: () => lateSecrets });
    lateHealth.register({ name: 'api', check: () => Promise.reject(new Error('token tok-abcdef rejected')) });
    await lateHealth.run('api');
    lateSecrets = ['tok-abcdef'];
    expect(lateHealth.report('readiness').checks.api!.error).toBe('token [redacted] rejected');
    lateHealth.close();
  });

  it('createService applies its redactValues to reports and to the "health check failed" log line', async () => {
    const out = capture();
    service = createService({
      name: 's',
      version: '1',
      destination: out,
      env: {},
      process: new EventEmitter(),
      runtimeMetrics: false,
      eventLoopCheck: false,
      redactValues: () => [SECRET],
    });
    service.health.register({ name: 'database', check: () => Promise.reject(new Error(`bad password ${SECRET}`)) });
    await service.start();
    await service.health.run('database');
    expect(service.health.report('readiness').checks.database!.error).toBe('bad password [redacted]');
    expect(out.lines.find((l) => l.msg === 'health check failed')).toMatchObject({ error: 'bad password [redacted]' });
    expect(out.raw.join('\n')).not.toContain('s3cr3t');
  });

  it('masks the secret even when the logger given to createService has no value redaction', async () => {
    const out = capture();
    const logger = createLogger({ service: { name: 's', version: '1' }, destination: out });
    service = createService({ name: 's', version: '1', logger, env: {}, process: new EventEmitter(), runtimeMetrics: false, eventLoopCheck: false, redactValues: () => [SECRET] });
    service.health.register({ name: 'database', check: () => Promise.reject(new Error(`bad password ${SECRET}`)) });
    await service.health.run('database');
    expect(service.health.report('readiness').checks.database!.error).toBe('bad password [redacted]');
    expect(out.lines.find((l) => l.msg === 'health check failed')).toMatchObject({ error: 'bad password [redacted]' });
  });

  it('leaves messages alone without redactValues', async () => {
    health = createHealth();
    health.register({ name: 'database', check: () => Promise.reject(new Error(`bad password ${SECRET}`)) });
    await health.run('database');
    expect(health.report('readiness').checks.database!.error).toBe(`bad password ${SECRET}`);
  });
});
