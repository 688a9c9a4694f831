/**
 * The generated manifests cannot drift from the code: the committed files equal what
 * `deploy/generate.ts` renders now from platform.ts and the services' config schemas. And the
 * deployed configuration is valid for each service: every ConfigMap, laid out exactly as the
 * kubelet mounts it (`..data` symlink to a timestamped directory), plus placeholder Secret files
 * and the Deployment's env, loads through the service's own podkit config definition.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderDeployFiles } from '../../deploy/generate.ts';
import { GRACE_PERIOD_SECONDS } from '../../deploy/render/probes.ts';
import { loadServiceConfig } from '../../deploy/render/schemas.ts';
import { SERVICES, SERVICE_PORT } from '../../deploy/platform.ts';
import type { Json } from './load.ts';
import { deployDir, find, loadBase, podSpec } from './load.ts';

const base = loadBase();
const scratch = mkdtempSync(path.join(tmpdir(), 'blog-deploy-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Writes `files` the way the kubelet lays out a ConfigMap/Secret volume. */
function kubeletVolume(dir: string, files: Record<string, string>): string {
  const stamp = '..2026_11_24_17_00_00.000000001';
  mkdirSync(path.join(dir, stamp), { recursive: true });
  for (const [key, value] of Object.entries(files)) writeFileSync(path.join(dir, stamp, key), value);
  symlinkSync(stamp, path.join(dir, '..data'));
  for (const key of Object.keys(files)) symlinkSync(path.join('..data', key), path.join(dir, key));
  return dir;
}

describe('generated manifests', () => {
  it('the committed files equal what generate.ts renders from the schemas', async () => {
    const files = await renderDeployFiles();
    expect(files.size).toBe(SERVICES.length * 2 + 1);
    for (const [rel, content] of files) {
      expect(readFileSync(path.join(deployDir, rel), 'utf8'), `${rel} is stale: run deploy/generate.ts`).toBe(content);
    }
  });

  it('the kustomization lists every generated file', async () => {
    const files = await renderDeployFiles();
    const kustomization = readFileSync(path.join(deployDir, 'base/kustomization.yaml'), 'utf8');
    for (const rel of files.keys()) if (rel.startsWith('base/')) expect(kustomization).toContain(`- ${rel.slice('base/'.length)}`);
  });
});

describe.each(SERVICES.map((s) => [s.name, s] as const))('deployed config of %s', (name, svc) => {
  it('loads through the service\'s podkit config: ConfigMap dir + Secret files + Deployment env', async () => {
    const definition = await loadServiceConfig(name);
    const cm = find(base, 'ConfigMap', `${name}-config`);
    const configDir = kubeletVolume(path.join(scratch, name, 'config'), cm['data'] as Record<string, string>);
    const secrets: Record<string, string> = {};
    for (const { key } of svc.secretKeys) secrets[key] = `placeholder-${key}`;
    const secretsDir = kubeletVolume(path.join(scratch, name, 'secrets'), secrets);
    const [container] = podSpec(find(base, 'Deployment', name)).containers;
    const env: Record<string, string> = {};
    for (const e of container.env as Json[]) if (typeof e.value === 'string') env[e.name] = e.value;
    env['PODKIT_CONFIG_DIR'] = configDir; // the mounts, relocated to the scratch directory
    env['PODKIT_SECRETS_DIR'] = secretsDir;

    const result = definition.safeLoad({ env, envFile: false });
    if (!result.ok) throw result.error;
    const config = result.config as Json;

    // The port the container declares, and the grace period the pod declares.
    expect(config.port).toBe(svc.port);
    expect(config.shutdown.gracePeriod).toBe(GRACE_PERIOD_SECONDS * 1000);
    expect(podSpec(find(base, 'Deployment', name)).terminationGracePeriodSeconds).toBe(GRACE_PERIOD_SECONDS);
    // Every upstream URL names an existing Service on its port.
    for (const callee of svc.calls) {
      const url = new URL(config[callee].url as string);
      expect(find(base, 'Service', url.hostname).spec.ports[0].port).toBe(Number(url.port || 80));
      expect(Number(url.port || 80)).toBe(SERVICE_PORT);
    }
    // Secrets reach the config from the mounted files.
    if (svc.usesPostgres) {
      expect(config.database.password).toBe('placeholder-database-password');
      expect(find(base, 'Service', config.database.host as string).spec.ports[0].port).toBe(config.database.port);
    }
    if (name === 'auth') expect(config.jwtSigningKey).toBe('placeholder-jwt-signing-key');
    if (svc.usesRedis) {
      const url = new URL(config.redis.url as string);
      expect(find(base, 'Service', url.hostname).spec.ports[0].port).toBe(Number(url.port));
    } else if (config.redis !== undefined) {
      expect(config.redis.url, `${name} does not use Redis in this deployment`).toBeUndefined();
    }
  });
});
