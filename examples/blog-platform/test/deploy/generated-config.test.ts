/**
 * The generated manifests cannot drift from the code: the committed files equal what
 * `deploy/generate.ts` renders now from platform.ts and the services' config schemas. And the
 * deployed configuration is valid for each service: every ConfigMap, laid out exactly as the
 * kubelet mounts it (`..data` symlink to a timestamped directory), plus placeholder Secret files
 * and the Deployment's env, loads through the service's own podkit config definition.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderDeployFiles } from '../../deploy/generate.ts';
import { GRACE_PERIOD_SECONDS } from '../../deploy/render/probes.ts';
import { SERVICES, SERVICE_PORT } from '../../deploy/platform.ts';
import { loadDeployedConfig } from './deployed-config.ts';
import { deployDir, find, loadBase, podSpec } from './load.ts';

const base = loadBase();

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
    const { config } = await loadDeployedConfig(base, svc);

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

describe('limits outside the services agree with their config', () => {
  it('the Ingress accepts uploads as large as the images service does', async () => {
    const images = SERVICES.find((s) => s.name === 'images')!;
    const { config } = await loadDeployedConfig(base, images);
    const annotation = find(base, 'Ingress', 'gateway').metadata.annotations?.['nginx.ingress.kubernetes.io/proxy-body-size'];
    const m = /^(\d+)m$/.exec(annotation ?? '');
    expect(m, `proxy-body-size ${String(annotation)}`).not.toBeNull();
    // nginx's `m` is MiB; above the service's limit so the service, not nginx, answers 413 problems.
    expect(Number(m![1]) * 1024 * 1024).toBeGreaterThan(config.images.maxBytes as number);
  });
});
