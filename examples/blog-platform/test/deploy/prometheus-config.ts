/**
 * The shipped Prometheus configuration, and a static variant of it for running without a
 * Kubernetes API: each `kubernetes_sd_configs` block is replaced by `static_configs` whose
 * targets carry the same `__meta_kubernetes_*` labels Kubernetes service discovery would attach,
 * taken from the real pod templates (labels and annotations) of the Deployments. The relabeling
 * rules, metric paths and rule files stay exactly as shipped, so they are what gets exercised.
 * (Debian's Prometheus build also leaves Kubernetes discovery out, so promtool needs this variant.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { Json, Manifest } from './load.ts';
import { deployDir } from './load.ts';

/** The monitoring directory. */
export const monitoringDir: string = path.join(deployDir, 'monitoring');

/** The shipped prometheus.yml, parsed. */
export function shippedConfig(): Json {
  return parse(readFileSync(path.join(monitoringDir, 'prometheus.yml'), 'utf8'));
}

/** One pod to present as a discovered target. */
export interface PodTarget {
  /** The pod's Deployment (its template's labels and annotations become meta labels). */
  readonly deployment: Manifest;
  /** Pod name. */
  readonly pod: string;
  /**
   * Where each container port of the pod answers, by port name (`{ http: '127.0.0.1:41234',
   * admin: '127.0.0.1:41235' }`), for a pod running locally on ephemeral ports.
   * @default `10.0.0.1:<containerPort>` for every port
   */
  readonly addresses?: Readonly<Record<string, string>>;
}

/** A container port of a pod template, as pod discovery sees it. */
interface ContainerPort {
  readonly container: string;
  readonly name: string;
  readonly containerPort: number;
  readonly protocol: string;
}

function containerPorts(deployment: Manifest): ContainerPort[] {
  return (deployment.spec.template.spec.containers as Json[]).flatMap((c) =>
    ((c.ports ?? []) as Json[]).map((p) => ({ container: c.name, name: p.name ?? '', containerPort: p.containerPort, protocol: p.protocol ?? 'TCP' })),
  );
}

function metaName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/**
 * Meta labels Kubernetes pod discovery sets for one container port of a pod (the subset the
 * config relabels on): pod discovery makes one target per declared container port.
 */
export function podMetaLabels(target: PodTarget, port: ContainerPort): Record<string, string> {
  const template = target.deployment.spec.template.metadata;
  const labels: Record<string, string> = {
    __meta_kubernetes_pod_container_name: port.container,
    __meta_kubernetes_pod_container_port_name: port.name,
    __meta_kubernetes_pod_container_port_number: String(port.containerPort),
    __meta_kubernetes_pod_container_port_protocol: port.protocol,
    __meta_kubernetes_namespace: target.deployment.metadata.namespace ?? 'blog-platform',
    __meta_kubernetes_pod_name: target.pod,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_ready: 'true',
  };
  for (const [k, v] of Object.entries(template.labels as Record<string, string>)) labels[`__meta_kubernetes_pod_label_${metaName(k)}`] = v;
  for (const [k, v] of Object.entries((template.annotations ?? {}) as Record<string, string>)) {
    labels[`__meta_kubernetes_pod_annotation_${metaName(k)}`] = v;
  }
  return labels;
}

/** Options of {@link staticVariant}. */
export interface StaticVariantOptions {
  /** Pods to present as discovered targets of the pod job. */
  readonly targets: readonly PodTarget[];
  /** Override `global.scrape_interval` (and evaluation). */
  readonly scrapeInterval?: string;
  /** Keep only these jobs (default: all). */
  readonly jobs?: readonly string[];
}

/** The shipped config with Kubernetes discovery replaced by equivalent static targets, as YAML. */
export function staticVariant(options: StaticVariantOptions): string {
  const config = shippedConfig();
  if (options.scrapeInterval !== undefined) {
    config.global.scrape_interval = options.scrapeInterval;
    config.global.evaluation_interval = options.scrapeInterval;
    config.global.scrape_timeout = options.scrapeInterval;
  }
  config.rule_files = (config.rule_files as string[]).map((f) => path.resolve(monitoringDir, f));
  config.scrape_configs = (config.scrape_configs as Json[])
    .filter((job) => options.jobs === undefined || options.jobs.includes(job.job_name))
    .map((job) => {
      if (job.kubernetes_sd_configs === undefined) return job;
      const { kubernetes_sd_configs: _sd, ...rest } = job;
      return {
        ...rest,
        // One target per container port, at <pod IP>:<container port>, as pod discovery does.
        static_configs: options.targets.flatMap((t) =>
          containerPorts(t.deployment).map((port) => ({
            targets: [t.addresses?.[port.name] ?? `10.0.0.1:${String(port.containerPort)}`],
            labels: podMetaLabels(t, port),
          })),
        ),
      };
    });
  return stringify(config, { lineWidth: 0 });
}
