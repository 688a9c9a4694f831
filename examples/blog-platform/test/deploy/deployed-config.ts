/**
 * Loads a service's configuration exactly as a pod of the manifests would see it: its ConfigMap
 * laid out the way the kubelet mounts it (`..data` symlink to a timestamped directory, one
 * symlink per key), placeholder files for its Secret keys, and its Deployment's env, read through
 * the service's own podkit config definition.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadServiceConfig } from '../../deploy/render/schemas.ts';
import type { DeployedService } from '../../deploy/platform.ts';
import type { Json, Loaded } from './load.ts';
import { find, podSpec } from './load.ts';

/** Writes `files` the way the kubelet lays out a ConfigMap/Secret volume. */
export function kubeletVolume(dir: string, files: Record<string, string>): string {
  const stamp = '..2026_11_24_17_00_00.000000001';
  mkdirSync(path.join(dir, stamp), { recursive: true });
  for (const [key, value] of Object.entries(files)) writeFileSync(path.join(dir, stamp, key), value);
  symlinkSync(stamp, path.join(dir, '..data'));
  for (const key of Object.keys(files)) symlinkSync(path.join('..data', key), path.join(dir, key));
  return dir;
}

/** A service's deployed config and the env its container gets. */
export interface DeployedConfig {
  readonly config: Json;
  /** The container's literal env values (mount paths relocated to a scratch directory). */
  readonly env: Record<string, string>;
}

/** Loads `svc`'s config from the manifests in `base`; throws podkit config's error if invalid. */
export async function loadDeployedConfig(base: readonly Loaded[], svc: DeployedService): Promise<DeployedConfig> {
  const scratch = mkdtempSync(path.join(tmpdir(), `blog-deploy-${svc.name}-`));
  try {
    const definition = await loadServiceConfig(svc.name);
    const cm = find(base, 'ConfigMap', `${svc.name}-config`);
    const configDir = kubeletVolume(path.join(scratch, 'config'), cm['data'] as Record<string, string>);
    const secrets: Record<string, string> = {};
    // a URL-valued Secret key gets a URL placeholder
    for (const { key } of svc.secretKeys) secrets[key] = key === 'amqp-url' ? 'amqp://blog:placeholder@rabbitmq:5672' : `placeholder-${key}`;
    const secretsDir = kubeletVolume(path.join(scratch, 'secrets'), secrets);
    const [container] = podSpec(find(base, 'Deployment', svc.name)).containers;
    const env: Record<string, string> = {};
    for (const e of container.env as Json[]) if (typeof e.value === 'string') env[e.name] = e.value;
    env['PODKIT_CONFIG_DIR'] = configDir;
    env['PODKIT_SECRETS_DIR'] = secretsDir;
    const result = definition.safeLoad({ env, envFile: false });
    if (!result.ok) throw result.error;
    return { config: result.config, env };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
