// What the simulator reads from a Deployment: Kubernetes' defaults where the manifest is silent,
// the admin port recognised, overrides applied, and a clear ManifestError otherwise.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ManifestError, readPodSettings } from '../src/index.ts';

const posts = fileURLToPath(new URL('../../../examples/blog-platform/deploy/base/services/posts.yaml', import.meta.url));

const deployment = (container: string, strategy = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata: { name: d }
spec:
  replicas: 4
${strategy}  template:
    spec:
      containers:
        - name: c
${container}`;

describe('readPodSettings', () => {
  it("reads the example's rendered posts Deployment (multi-document file)", () => {
    const s = readPodSettings(posts);
    expect(s).toMatchObject({ replicas: 1, maxSurge: 1, maxUnavailable: 0, terminationGracePeriodSeconds: 30 });
    expect(s.startupProbe).toEqual({ path: '/startup', target: 'admin', initialDelaySeconds: 0, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 30, successThreshold: 1 });
    expect(s.readinessProbe).toMatchObject({ path: '/ready', target: 'admin', periodSeconds: 5, failureThreshold: 2 });
    expect(s.livenessProbe).toMatchObject({ path: '/health', target: 'admin', periodSeconds: 10, timeoutSeconds: 3 });
    expect(s.env).toMatchObject({ PORT: '8082', ADMIN_PORT: '9082', PODKIT_GRACE_PERIOD_SECONDS: '30' });
    expect(s.env).not.toHaveProperty('POD_NAME'); // valueFrom entries are skipped
  });

  it("applies Kubernetes' defaults (25% surge rounded up, 25% unavailable rounded down) and overrides", () => {
    const s = readPodSettings(deployment('          readinessProbe: { httpGet: { path: /r, port: 8080 } }\n'));
    expect(s).toMatchObject({ replicas: 4, maxSurge: 1, maxUnavailable: 1, terminationGracePeriodSeconds: 30, startupProbe: undefined, livenessProbe: undefined });
    expect(s.readinessProbe).toMatchObject({ path: '/r', target: 'http', periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 });
    const o = readPodSettings(posts, { overrides: { replicas: 3, maxSurge: '50%', probes: { periodSeconds: 0.5 }, livenessProbe: null, terminationGracePeriodSeconds: 2 } });
    expect(o).toMatchObject({ replicas: 3, maxSurge: 2, terminationGracePeriodSeconds: 2, livenessProbe: undefined });
    expect(o.readinessProbe?.periodSeconds).toBe(0.5);
    expect(readPodSettings(undefined)).toMatchObject({ replicas: 1, maxSurge: 1, maxUnavailable: 0, readinessProbe: undefined });
  });

  it('rejects what it cannot simulate, naming source, field and value', () => {
    const cases: [string, string][] = [
      ['kind: Service\nmetadata: { name: s }\n', 'inline manifest: kind has no Deployment'],
      [deployment('          livenessProbe: { exec: { command: [true] } }\n'), 'spec.template.spec.containers[0].livenessProbe is not an httpGet probe'],
      [deployment('          readinessProbe: { httpGet: { path: /r, port: admin } }\n'), 'readinessProbe.httpGet.port names port "admin", which the container does not declare'],
      [deployment('          image: x\n', '  strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }\n'), 'has maxSurge and maxUnavailable both 0'],
      [deployment('          image: x\n', '  strategy: { rollingUpdate: { maxSurge: "ten" } }\n'), 'maxSurge must be a non-negative integer or a percentage, got "ten"'],
    ];
    for (const [yaml, message] of cases) {
      expect(() => readPodSettings(yaml)).toThrow(ManifestError);
      expect(() => readPodSettings(yaml)).toThrow(message);
    }
    expect(() => readPodSettings('/no/such/deployment.yaml')).toThrow('/no/such/deployment.yaml: file cannot be read');
    try {
      readPodSettings(posts, { overrides: { probes: { periodSeconds: -1 } } });
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'ERR_PODKIT_TESTING_MANIFEST' });
      expect((err as Error).message).toContain('startupProbe.periodSeconds must be a positive number, got -1');
    }
  });
});
