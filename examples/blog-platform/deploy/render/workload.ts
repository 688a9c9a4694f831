/**
 * Renders one service's workload objects: ServiceAccount, Deployment, Service,
 * PodDisruptionBudget and HorizontalPodAutoscaler. Plain objects in Kubernetes' JSON shape;
 * `generate.ts` serializes them and the tests validate them with kubernetes-models.
 */
import type { DeployedService } from '../platform.ts';
import {
  ADMIN_PORT_NAME,
  CONFIG_DIR,
  HTTP_PORT_NAME,
  JEMALLOC_PATH,
  MALLOC_ARENA_MAX,
  MALLOC_CONF,
  NAMESPACE,
  PART_OF,
  SECRETS_DIR,
  SERVICE_IMAGE,
  SERVICE_PORT,
  SERVICE_UID,
} from '../platform.ts';
import type { ProbeTiming } from './probes.ts';
import { GRACE_PERIOD_SECONDS, LIVENESS_PROBE, PROBE_PATHS, READINESS_PROBE, STARTUP_PROBE } from './probes.ts';
import { SHUTDOWN_ENV } from './shutdown-env.ts';

/** A Kubernetes object as plain JSON. */
export type K8sObject = Record<string, unknown> & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

/** Version label and image tag of the services (the example's package version). */
export const APP_VERSION = '0.1.0';

/** Labels that select a service's pods (immutable in a Deployment: no version here). */
export function selectorLabels(name: string): Record<string, string> {
  return { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': PART_OF };
}

/** The recommended labels on every object of a service. */
export function serviceLabels(svc: DeployedService): Record<string, string> {
  return {
    ...selectorLabels(svc.name),
    'app.kubernetes.io/component': svc.component,
    'app.kubernetes.io/version': APP_VERSION,
  };
}

/** Name of a service's ConfigMap (written by generate.ts from its config schema). */
export function configMapName(name: string): string {
  return `${name}-config`;
}

/** A probe on the admin port, by name: the public port answers 404 for the probe paths. */
function probe(path: string, timing: ProbeTiming): Record<string, unknown> {
  return { httpGet: { path, port: ADMIN_PORT_NAME }, ...timing };
}

/**
 * Env holds only what the pod spec owns (the ports the container declares, the grace period the
 * pod declares, where the volumes are mounted); every other key is in the ConfigMap.
 */
function env(svc: DeployedService): Record<string, unknown>[] {
  return [
    { name: 'PORT', value: String(svc.port) },
    { name: 'ADMIN_PORT', value: String(svc.adminPort) },
    // The same number as terminationGracePeriodSeconds: podkit plans its shutdown inside it.
    ...SHUTDOWN_ENV.map((v) => ({ name: v.name, value: v.format(GRACE_PERIOD_SECONDS) })),
    { name: 'PODKIT_CONFIG_DIR', value: CONFIG_DIR },
    { name: 'PODKIT_SECRETS_DIR', value: SECRETS_DIR },
    // The V8 heap sized for the container's memory limit (platform.ts, MEASUREMENTS.md).
    { name: 'NODE_OPTIONS', value: svc.nodeOptions },
    // The allocator: the image's jemalloc with its tuning, and glibc's fallback (platform.ts).
    { name: 'LD_PRELOAD', value: JEMALLOC_PATH },
    { name: 'MALLOC_CONF', value: MALLOC_CONF },
    { name: 'MALLOC_ARENA_MAX', value: MALLOC_ARENA_MAX },
    // podkit's log lines carry the pod name.
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
  ];
}

function volumes(svc: DeployedService): Record<string, unknown>[] {
  const bySecret = new Map<string, string[]>();
  for (const { secret, key } of svc.secretKeys) bySecret.set(secret, [...(bySecret.get(secret) ?? []), key]);
  const list: Record<string, unknown>[] = [
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    { name: 'config', configMap: { name: configMapName(svc.name) } },
  ];
  if (bySecret.size > 0) {
    list.push({
      name: 'secrets',
      projected: {
        defaultMode: 0o440,
        sources: [...bySecret].map(([name, keys]) => ({ secret: { name, items: keys.map((key) => ({ key, path: key })) } })),
      },
    });
  }
  return list;
}

function deployment(svc: DeployedService): K8sObject {
  const labels = serviceLabels(svc);
  const mounts: Record<string, unknown>[] = [
    { name: 'tmp', mountPath: '/tmp' },
    // Whole directories, never subPath: the kubelet's ..data swap must reach podkit config.
    { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
  ];
  if (svc.secretKeys.length > 0) mounts.push({ name: 'secrets', mountPath: SECRETS_DIR, readOnly: true });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: svc.name, namespace: NAMESPACE, labels },
    spec: {
      // No `replicas`: the HPA owns the count (a fixed number here would reset it on every apply).
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(svc.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: { ...labels, 'blog-platform.podkit.dev/metrics': 'true' },
          annotations: {
            'prometheus.io/scrape': 'true',
            // The admin port (for scrapers that read the annotation; the shipped Prometheus
            // config selects the container port named `admin`).
            'prometheus.io/port': String(svc.adminPort),
            'prometheus.io/path': PROBE_PATHS.metrics,
          },
        },
        spec: {
          serviceAccountName: svc.name,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds: GRACE_PERIOD_SECONDS,
          enableServiceLinks: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: SERVICE_UID,
            runAsGroup: SERVICE_UID,
            fsGroup: SERVICE_UID,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(svc.name) },
            },
          ],
          containers: [
            {
              name: svc.name,
              image: `${SERVICE_IMAGE}:${APP_VERSION}`,
              imagePullPolicy: 'IfNotPresent',
              args: [svc.name],
              // a worker's public port has no API and no Service: only the admin port is declared
              ports: [
                ...(svc.component === 'worker' ? [] : [{ name: HTTP_PORT_NAME, containerPort: svc.port, protocol: 'TCP' }]),
                { name: ADMIN_PORT_NAME, containerPort: svc.adminPort, protocol: 'TCP' },
              ],
              env: env(svc),
              resources: svc.resources,
              startupProbe: probe(PROBE_PATHS.startup, STARTUP_PROBE),
              livenessProbe: probe(PROBE_PATHS.liveness, LIVENESS_PROBE),
              readinessProbe: probe(PROBE_PATHS.readiness, READINESS_PROBE),
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                runAsUser: SERVICE_UID,
                runAsGroup: SERVICE_UID,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              volumeMounts: mounts,
            },
          ],
          volumes: volumes(svc),
        },
      },
    },
  };
}

/** Every workload object of one service, in apply order (a worker has no Service: nothing calls it). */
export function renderWorkload(svc: DeployedService): K8sObject[] {
  const labels = serviceLabels(svc);
  const meta = { name: svc.name, namespace: NAMESPACE, labels };
  const service: K8sObject[] = svc.component === 'worker' ? [] : [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta,
      // The API port only: the admin port is reached on the pod IP (kubelet, Prometheus), never
      // through the Service, so other pods and the Ingress cannot address it.
      spec: {
        selector: selectorLabels(svc.name),
        ports: [{ name: HTTP_PORT_NAME, port: SERVICE_PORT, targetPort: HTTP_PORT_NAME, protocol: 'TCP' }],
      },
    },
  ];
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta, automountServiceAccountToken: false },
    deployment(svc),
    ...service,
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta,
      // maxUnavailable (not minAvailable) so a node drain never deadlocks at any replica count;
      // AlwaysAllow so crash-looping (running, not ready) pods can be evicted too (podkit doctor's pdb-drain).
      spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: selectorLabels(svc.name) } },
    },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: svc.name },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [
          { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } },
          { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } },
        ],
        behavior: {
          // Scale down slowly (5 min window, one pod a minute): each removal is a graceful drain.
          scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
        },
      },
    },
  ];
}
