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
  /** Where the pod answers (`127.0.0.1:<port>`); its port replaces the annotated one. */
  readonly address: string;
}

function metaName(key: string): string {
  return key.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** Meta labels Kubernetes pod discovery sets for a pod (the subset the config relabels on). */
export function podMetaLabels(target: PodTarget): Record<string, string> {
  const template = target.deployment.spec.template.metadata;
  const port = target.address.split(':').at(-1)!;
  const labels: Record<string, string> = {
    __meta_kubernetes_namespace: target.deployment.metadata.namespace ?? 'blog-platform',
    __meta_kubernetes_pod_name: target.pod,
    __meta_kubernetes_pod_phase: 'Running',
    __meta_kubernetes_pod_ready: 'true',
  };
  for (const [k, v] of Object.entries(template.labels as Record<string, string>)) labels[`__meta_kubernetes_pod_label_${metaName(k)}`] = v;
  for (const [k, v] of Object.entries((template.annotations ?? {}) as Record<string, string>)) {
    labels[`__meta_kubernetes_pod_annotation_${metaName(k)}`] = k === 'prometheus.io/port' ? port : v;
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
        static_configs: options.targets.map((t) => ({
          // The pod IP with the first container port, as pod discovery sets __address__.
          targets: [`${t.address.split(':')[0]!}:${String(t.deployment.spec.template.spec.containers[0].ports[0].containerPort)}`],
          labels: podMetaLabels(t),
        })),
      };
    });
  return stringify(config, { lineWidth: 0 });
}
