import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { z } from 'zod';
import {
  ConfigValidationError,
  ConfigWatchError,
  defineConfig,
  reloadable,
  secret,
  watchConfig,
  type ConfigChange,
  type ConfigError,
  type ConfigWatcher,
} from '@podkit/config';
import { KubeletVolume } from '@podkit/testing';
import { tempDir } from './helpers/tmp.ts';

const schema = z.object({
  database: z.object({ host: z.string(), port: z.number().int().default(5432), password: secret(z.string()) }),
  log: z.object({ level: reloadable(z.enum(['debug', 'info', 'warn'])) }),
  features: z.object({ beta: reloadable(z.boolean().default(false)) }),
});
type Schema = typeof schema;
const definition = defineConfig(schema);

const cleanup: (() => void)[] = [];
afterEach(() => cleanup.splice(0).reverse().forEach((fn) => fn()));

function mounts(config: Record<string, string> = { 'database.host': 'db-1', 'log.level': 'info' }) {
  const configMap = new KubeletVolume(config);
  const secrets = new KubeletVolume({ 'database-password': 'pw-1' });
  cleanup.push(() => configMap.remove(), () => secrets.remove());
  return { configMap, secrets };
}

function start(configMap: KubeletVolume, secrets: KubeletVolume, env: Record<string, string> = {}) {
  const warnings: string[] = [];
  const watcher = watchConfig(definition, {
    env,
    envFile: false,
    configDir: configMap.dir,
    secretsDir: secrets.dir,
    debounceMs: 25,
    onWarning: (w) => warnings.push(w),
  });
  cleanup.push(() => watcher.close());
  return { watcher, warnings };
}

/** Resolves on the next applied change: no sleeps, the listener is the signal. */
function nextChange(watcher: ConfigWatcher<Schema>): Promise<ConfigChange<Schema>> {
  return new Promise((resolve, reject) => {
    const offChange = watcher.onChange((change) => (offChange(), offError(), resolve(change)));
    const offError = watcher.onError((error) => (offChange(), offError(), reject(error)));
  });
}

/** Resolves on the next reported error; rejects if a change is applied instead. */
function nextError(watcher: ConfigWatcher<Schema>): Promise<ConfigError> {
  return new Promise((resolve, reject) => {
    const offChange = watcher.onChange((change) => (offChange(), offError(), reject(new Error(`unexpected change ${change.changed.join()}`))));
    const offError = watcher.onError((error) => (offChange(), offError(), resolve(error)));
  });
}

test('a kubelet ..data swap is applied: new frozen config, changed keys, restart-required keys', async () => {
  const { configMap, secrets } = mounts();
  const { watcher } = start(configMap, secrets);
  const first = watcher.current;
  expect(first.log.level).toBe('info');
  expect(watcher.watching).toEqual([configMap.dir, secrets.dir]);

  const changed = nextChange(watcher);
  configMap.update({ 'database.host': 'db-2', 'log.level': 'debug', 'features.beta': 'on' });
  const change = await changed;

  expect(change.changed).toEqual(['database.host', 'log.level', 'features.beta']);
  expect(change.restartRequired).toEqual(['database.host']);
  expect(change.previous).toBe(first);
  expect(change.config).toBe(watcher.current);
  expect(watcher.current).toEqual({ database: { host: 'db-2', port: 5432, password: 'pw-1' }, log: { level: 'debug' }, features: { beta: true } });
  expect(Object.isFrozen(watcher.current.log)).toBe(true);
  expect(JSON.stringify(watcher.current)).not.toContain('pw-1');
  expect(configMap.versions()).toHaveLength(1);
}, 20_000);

test('the directory watch survives every swap (a watch on a key file would go silent after the first)', async () => {
  const { configMap, secrets } = mounts();
  const { watcher } = start(configMap, secrets);
  for (const level of ['debug', 'warn', 'info', 'debug'] as const) {
    const changed = nextChange(watcher);
    configMap.update({ 'database.host': 'db-1', 'log.level': level });
    expect((await changed).config.log.level).toBe(level);
  }
  expect(watcher.stats).toMatchObject({ applied: 4, rejected: 0 });
}, 20_000);

test('an invalid update is rejected whole: the last good config stays, the error names key and file', async () => {
  const { configMap, secrets } = mounts();
  const { watcher } = start(configMap, secrets);
  const good = watcher.current;

  const failed = nextError(watcher);
  configMap.update({ 'database.host': 'db-2', 'database.port': 'fals', 'log.level': 'verbose' });
  const error = await failed;

  expect(error).toBeInstanceOf(ConfigValidationError);
  expect(error.message).toContain(`database.port: expected an integer, received "fals" (config-map ${join(configMap.dir, 'database.port')})`);
  expect(error.message).toContain(`log.level: expected one of "debug"|"info"|"warn", received "verbose" (config-map ${join(configMap.dir, 'log.level')})`);
  expect(watcher.current).toBe(good);
  expect(watcher.current.database.host).toBe('db-1'); // the valid half of the update was not applied
  expect(watcher.stats).toMatchObject({ rejected: 1, applied: 0 });

  const recovered = nextChange(watcher);
  configMap.update({ 'database.host': 'db-3', 'log.level': 'warn' });
  expect((await recovered).changed).toEqual(['database.host', 'log.level']);
}, 20_000);

test('a burst of swaps is debounced into one reload that sees the last version', async () => {
  const { configMap, secrets } = mounts();
  const { watcher } = start(configMap, secrets);

  const burst = nextChange(watcher);
  for (const level of ['debug', 'warn', 'debug', 'info', 'warn']) configMap.update({ 'database.host': 'db-1', 'log.level': level });
  const change = await burst;
  expect(change.previous.log.level).toBe('info');
  expect(change.config.log.level).toBe('warn');

  // One more swap: if the burst had caused more than one reload, the counters would show it.
  const sentinel = nextChange(watcher);
  configMap.update({ 'database.host': 'db-1', 'log.level': 'debug' });
  await sentinel;
  expect(watcher.stats).toEqual({ reloads: 2, applied: 2, rejected: 0, unchanged: 0 });
}, 20_000);

test('a rotated Secret is picked up too, and its value never shows in the change', async () => {
  const { configMap, secrets } = mounts();
  const { watcher } = start(configMap, secrets);
  const changed = nextChange(watcher);
  secrets.update({ 'database-password': 'pw-2' });
  const change = await changed;
  expect(change.changed).toEqual(['database.password']);
  expect(change.config.database.password).toBe('pw-2');
  expect(JSON.stringify(change)).not.toMatch(/pw-[12]/);
}, 20_000);

test('startup warnings: reloadable keys that only a never-updating source provides', () => {
  const { configMap, secrets } = mounts({ 'database.host': 'db-1', level: 'info' });
  const plain = tempDir({ 'features.beta': 'true', 'database.host': 'h', level: 'info' });
  const fromEnv = start(configMap, secrets, { LOG_LEVEL: 'info' });
  expect(fromEnv.warnings).toEqual([
    'log.level is reloadable but is set by env var LOG_LEVEL, which never changes while the process runs; updates to ConfigMap key log.level will not apply',
  ]);
  expect(fromEnv.watcher.warnings).toEqual(fromEnv.warnings);

  const inside = watchConfig(definition, { env: { LOG_LEVEL_FILE: join(configMap.dir, 'level') }, envFile: false, configDir: configMap.dir, secretsDir: secrets.dir });
  cleanup.push(() => inside.close());
  expect(inside.warnings).toEqual([]); // LOG_LEVEL_FILE points inside a watched kubelet dir: fine
  const outside = tempDir({ level: 'info' });
  const fileOutside = watchConfig(definition, { env: { LOG_LEVEL_FILE: join(outside, 'level') }, envFile: false, configDir: configMap.dir, secretsDir: secrets.dir });
  cleanup.push(() => fileOutside.close());
  expect(fileOutside.warnings).toEqual([
    `log.level is reloadable but is read from ${join(outside, 'level')} (named by LOG_LEVEL_FILE), which is not inside a watched directory; it will not reload`,
  ]);
  const plainDir = watchConfig(definition, { env: { LOG_LEVEL: 'info', DATABASE_PASSWORD: 'x', DATABASE_HOST: 'h' }, envFile: false, configDir: plain, secretsDir: false });
  cleanup.push(() => plainDir.close());
  expect(plainDir.warnings).toContain(
    `features.beta is reloadable but ${join(plain, 'features.beta')} is not in a kubelet-managed volume (no ..data link); a subPath mount never updates, so mount the whole ConfigMap as a directory`,
  );
  const inPod = { KUBERNETES_SERVICE_HOST: '10.96.0.1' };
  const nothing = watchConfig(definition, { env: { ...inPod, LOG_LEVEL: 'info', DATABASE_PASSWORD: 'x', DATABASE_HOST: 'h' }, envFile: false, configDir: false, secretsDir: false });
  cleanup.push(() => nothing.close());
  expect(nothing.watching).toEqual([]);
  expect(nothing.warnings).toContain('features.beta is reloadable but no watched ConfigMap or Secret directory exists to provide it; it can never change');
});

test('close() stops delivering changes; a listener that throws is reported, not fatal', async () => {
  const { configMap, secrets } = mounts();
  const closed = start(configMap, secrets).watcher;
  const seenByClosed: string[] = [];
  closed.onChange((c) => seenByClosed.push(...c.changed));
  closed.close();
  closed.close();

  const { watcher } = start(configMap, secrets);
  watcher.onChange(() => {
    throw new Error('listener bug');
  });
  const reported = nextError(watcher);
  configMap.update({ 'database.host': 'db-9', 'log.level': 'info' });
  const error = await reported;
  expect(error).toBeInstanceOf(ConfigWatchError);
  expect(error.code).toBe('ERR_PODKIT_CONFIG_WATCH');
  expect((error.cause as Error).message).toBe('listener bug');
  expect(watcher.current.database.host).toBe('db-9');
  expect(seenByClosed).toEqual([]);
}, 20_000);

test('an invalid initial config throws from watchConfig; an initial config can be passed in', () => {
  const { configMap, secrets } = mounts({ 'log.level': 'info' });
  expect(() => watchConfig(definition, { env: {}, envFile: false, configDir: configMap.dir, secretsDir: secrets.dir })).toThrow(ConfigValidationError);
  const initial = definition.load({ env: { DATABASE_HOST: 'h' }, envFile: false, configDir: configMap.dir, secretsDir: secrets.dir });
  const watcher = watchConfig(definition, { initial, env: { DATABASE_HOST: 'h' }, envFile: false, configDir: configMap.dir, secretsDir: secrets.dir });
  cleanup.push(() => watcher.close());
  expect(watcher.current).toBe(initial);
});

test('reload() re-reads on demand; without error listeners a rejected update goes to onWarning', () => {
  const { configMap, secrets } = mounts();
  const { watcher, warnings } = start(configMap, secrets);
  configMap.update({ 'database.host': 'db-5', 'log.level': 'info' });
  expect(watcher.reload()).toEqual({ ok: true, changed: ['database.host'] });
  expect(watcher.reload()).toEqual({ ok: true, changed: [] });
  configMap.update({ 'database.host': 'db-5', 'log.level': 'loud' });
  const result = watcher.reload();
  expect(result.ok).toBe(false);
  expect(warnings.at(-1)).toMatch(/^Invalid configuration \(1 problem\):\n {2}- log\.level: /);
  expect(watcher.current.database.host).toBe('db-5');
});
