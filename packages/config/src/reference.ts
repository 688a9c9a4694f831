import type { z } from 'zod';
import { toDefinition, type ConfigDefinition } from './define.ts';
import { dashedKey } from './names.ts';
import type { ConfigField } from './schema/fields.ts';
import { redactUrlCredentials } from './url-credentials.ts';

/**
 * A Markdown reference of every key: env var, ConfigMap key, type, default, secret, reloadable
 * and description — generate it into your docs instead of hand-copying. Credentials in a URL
 * default are shown as `[redacted]` (see {@link redactUrlCredentials}).
 *
 * @example
 * ```ts
 * writeFileSync('docs/configuration.md', `# Configuration\n\n${configReference(definition)}`);
 * ```
 */
export function configReference<S extends z.ZodObject>(schema: S | ConfigDefinition<S>): string {
  const { fields } = toDefinition(schema);
  const header = '| Key | Env var | ConfigMap / Secret key | Type | Default | Secret | Reloadable | Description |';
  const rule = '|---|---|---|---|---|---|---|---|';
  const rows = fields.map((f) =>
    [
      code(f.key),
      `${code(f.envVar)}${f.secret ? `<br>${code(`${f.envVar}_FILE`)}` : ''}`,
      code(f.secret ? dashedKey(f.path) : f.configMapKey),
      cell(f.type),
      f.defaultValue === undefined ? (f.required ? '**required**' : '—') : code(redactUrlCredentials(f.defaultValue)),
      f.secret ? 'yes' : 'no',
      f.reloadable ? 'yes' : 'no',
      cell(f.description ?? ''),
    ].join(' | '),
  );
  return [header, rule, ...rows.map((r) => `| ${r} |`)].join('\n') + '\n';
}

/** Options of {@link configMapYaml}. */
export interface ConfigMapYamlOptions {
  /**
   * `metadata.name` of the ConfigMap; the Secret is named `${name}-secrets`.
   * @default 'app-config'
   */
  name?: string;
  /** `metadata.namespace`, omitted when absent. */
  namespace?: string;
  /**
   * Also emit a Secret skeleton (`stringData` with empty values) for the secret keys.
   * @default true
   */
  includeSecret?: boolean;
}

/**
 * A ConfigMap YAML skeleton with every non-secret key (its default, or `""` when required) and
 * a comment giving its type and description; secret keys go into a Secret skeleton after `---`.
 * Mount them with `volumes: [{ configMap: { name } }]` at `/etc/config` and `/etc/secrets`.
 *
 * @example
 * ```ts
 * writeFileSync('deploy/config.yaml', configMapYaml(definition, { name: 'posts-config' }));
 * ```
 */
export function configMapYaml<S extends z.ZodObject>(
  schema: S | ConfigDefinition<S>,
  options: ConfigMapYamlOptions = {},
): string {
  const { fields } = toDefinition(schema);
  const name = options.name ?? 'app-config';
  const plain = fields.filter((f) => !f.secret);
  const secrets = fields.filter((f) => f.secret);
  const docs = [document('ConfigMap', name, options.namespace, 'data', plain, (f) => f.configMapKey)];
  if ((options.includeSecret ?? true) && secrets.length > 0) {
    docs.push(document('Secret', `${name}-secrets`, options.namespace, 'stringData', secrets, (f) => dashedKey(f.path)));
  }
  return docs.join('---\n');
}

function document(
  kind: string,
  name: string,
  namespace: string | undefined,
  dataKey: string,
  fields: readonly ConfigField[],
  keyOf: (f: ConfigField) => string,
): string {
  const lines = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', `  name: ${yamlString(name)}`];
  if (namespace !== undefined) lines.push(`  namespace: ${yamlString(namespace)}`);
  if (kind === 'Secret') lines.push('type: Opaque');
  if (fields.length === 0) lines.push(`${dataKey}: {}`);
  else lines.push(`${dataKey}:`);
  for (const f of fields) {
    const about = [f.type, f.required ? 'required' : f.defaultValue === undefined ? 'optional' : `default ${f.defaultValue}`];
    if (f.reloadable) about.push('reloadable');
    lines.push(`  # ${[about.join(', '), f.description].filter(Boolean).join(': ').replace(/\s*\n\s*/g, ' ')}`);
    const value = f.secret ? '' : (f.defaultValue ?? '');
    lines.push(`  ${yamlKey(keyOf(f))}: ${yamlString(value)}`);
  }
  return lines.join('\n') + '\n';
}

const PLAIN_KEY = /^[A-Za-z_][-._A-Za-z0-9]*$/;
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;

/** A YAML mapping key: plain when unambiguous, double-quoted otherwise. @internal */
export function yamlKey(key: string): string {
  return PLAIN_KEY.test(key) && !RESERVED.test(key) ? key : JSON.stringify(key);
}

/** Always a double-quoted scalar (JSON string syntax is valid YAML), so `5432` stays a string. @internal */
export function yamlString(value: string): string {
  return JSON.stringify(value);
}

function code(text: string): string {
  // eslint-disable-next-line no-control-regex
  const shown = /[\u0000-\u001f]/.test(text) ? JSON.stringify(text) : text;
  return `\`${shown.replace(/`/g, "'")}\``.replace(/\|/g, '\\|');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
