/**
 * Renders a service's ConfigMap and keys reference from its config schema with podkit config's
 * self-documentation: `configMapYaml` (a ConfigMap skeleton with every key's type, default and
 * description as comments) and `configReference` (the Markdown table of every key).
 *
 * From the skeleton, the deployment keeps every non-secret key that the Deployment does not set
 * through an environment variable (env wins over the ConfigMap in podkit's precedence, so a key
 * in both places would be a trap), with the deployment's value from `platform.ts` (`config`) or
 * else the schema default; optional keys without a value are left out. Secret keys come from the
 * projected Secret volume.
 */
import { configMapYaml, configReference, type ConfigDefinition, type ConfigField } from '@podkit/config';
import { isMap, isScalar, parseDocument, type Scalar } from 'yaml';
import type { z } from 'zod';
import type { DeployedService } from '../platform.ts';
import { deployedConfig, NAMESPACE, SECRETS_DIR } from '../platform.ts';
import { configMapName, serviceLabels } from './workload.ts';

/** Where one config key gets its value in this deployment. */
export type KeySource = 'env' | 'configmap' | 'secret' | 'unset';

/** One key of a service's schema and where the deployment provides it from. */
export interface KeyPlan {
  readonly field: ConfigField;
  readonly source: KeySource;
  /** The ConfigMap value (only for `configmap`; secrets are never rendered). */
  readonly value: string | undefined;
}

/** A deployment that cannot work with the schema (a required key nobody sets, a typo). */
export class DeployConfigError extends Error {
  /** Stable code. */
  readonly code = 'ERR_DEPLOY_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'DeployConfigError';
  }
}

/** Decides, for each key of a service's schema, where its value comes from. */
export function planKeys(svc: DeployedService, fields: readonly ConfigField[], envNames: ReadonlySet<string>): KeyPlan[] {
  const plans: KeyPlan[] = [];
  const secretKeys = new Set(svc.secretKeys.map((s) => s.key));
  const overrides = new Map(Object.entries(deployedConfig(svc)));
  for (const field of fields) {
    const override = overrides.get(field.configMapKey);
    overrides.delete(field.configMapKey);
    if (field.envNames.some((n) => envNames.has(n))) {
      if (override !== undefined) throw new DeployConfigError(`${svc.name}: ${field.configMapKey} is set in env and in platform.ts config`);
      plans.push({ field, source: 'env', value: undefined });
    } else if (field.fileNames.some((n) => secretKeys.has(n))) {
      plans.push({ field, source: 'secret', value: undefined });
    } else if (field.secret) {
      if (field.required) throw new DeployConfigError(`${svc.name}: secret ${field.configMapKey} is required but no Secret provides it`);
      plans.push({ field, source: 'unset', value: undefined });
    } else if (override !== undefined || field.defaultValue !== undefined) {
      plans.push({ field, source: 'configmap', value: override ?? field.defaultValue });
    } else if (field.required) {
      throw new DeployConfigError(`${svc.name}: ${field.configMapKey} is required: set it in platform.ts (config)`);
    } else {
      plans.push({ field, source: 'unset', value: undefined });
    }
  }
  if (overrides.size > 0) {
    throw new DeployConfigError(`${svc.name}: platform.ts sets keys the schema does not have: ${[...overrides.keys()].join(', ')}`);
  }
  return plans;
}

/** The ConfigMap YAML of one service: podkit config's skeleton, filled in for this deployment. */
export function renderConfigMap(svc: DeployedService, definition: ConfigDefinition<z.ZodObject>, plans: readonly KeyPlan[]): string {
  const skeleton = configMapYaml(definition, { name: configMapName(svc.name), namespace: NAMESPACE, includeSecret: false });
  const doc = parseDocument(skeleton);
  doc.setIn(['metadata', 'labels'], doc.createNode(serviceLabels(svc)));
  const data = doc.get('data');
  if (!isMap(data)) throw new DeployConfigError(`${svc.name}: configMapYaml produced no data map`);
  const byKey = new Map(plans.map((p) => [p.field.configMapKey, p]));
  const map = data;
  // The first key's comment is held by the map itself; give every pair its own before filtering.
  const items = map.items.map((pair, i) => {
    const key = pair.key as Scalar;
    const comment = i === 0 ? map.commentBefore : key.commentBefore;
    return { pair, key: String(key.value), comment };
  });
  map.commentBefore = null;
  map.items = items
    .filter(({ pair, key, comment }) => {
      const plan = byKey.get(key);
      if (plan === undefined || plan.source !== 'configmap' || plan.value === undefined) return false;
      if (isScalar(pair.value)) pair.value.value = plan.value;
      (pair.key as Scalar).commentBefore = comment;
      return true;
    })
    .map(({ pair }) => pair);
  return doc.toString({ lineWidth: 0 });
}

/** The Markdown keys reference of one service: podkit config's table plus where each key comes from. */
export function keysReference(svc: DeployedService, definition: ConfigDefinition<z.ZodObject>, plans: readonly KeyPlan[]): string {
  const list = (source: KeySource): string =>
    plans
      .filter((p) => p.source === source)
      .map((p) => `\`${source === 'env' ? p.field.envVar : p.field.configMapKey}\``)
      .join(', ') || '(none)';
  return [
    `## ${svc.name}`,
    '',
    `${svc.description}.`,
    '',
    `- Deployment env (owned by the pod spec): ${list('env')}`,
    `- ConfigMap \`${configMapName(svc.name)}\` at /etc/config: ${list('configmap')}`,
    `- Secret files at ${SECRETS_DIR}: ${svc.secretKeys.map((s) => `\`${s.key}\` (Secret \`${s.secret}\`)`).join(', ') || '(none)'}`,
    `- Not set in this deployment: ${list('unset')}`,
    '',
    configReference(definition).trimEnd(),
  ].join('\n');
}
