import { relative, isAbsolute } from 'node:path';
import type { ResolvedLoadOptions } from './options.ts';
import type { ConfigField } from './schema/fields.ts';
import type { ConfigSourceEntry } from './state.ts';

/**
 * Whether the reload warnings concern this process: it runs in Kubernetes
 * (`KUBERNETES_SERVICE_HOST` is set), where a ConfigMap could update a reloadable key, or a
 * ConfigMap/Secret directory was named explicitly. Locally on the implicit defaults (`npm start`,
 * no `/etc/config`) there is no ConfigMap to update anything, so the warnings would be noise.
 * @internal
 */
export function reloadWarningsApply(options: ResolvedLoadOptions): boolean {
  return options.kubernetes || options.namedBy.configDir !== undefined || options.namedBy.secretsDir !== undefined;
}

/**
 * Startup warnings for reloadable keys that can only come from a source that never updates: an
 * env var (fixed for the life of the process), a `NAME_FILE` or `.env` file outside the watched
 * directories, a file that is not in a kubelet-managed volume (a `subPath` mount never updates),
 * or no watched directory at all. Call it only when {@link reloadWarningsApply}. @internal
 */
export function reloadWarnings(
  fields: readonly ConfigField[],
  entries: readonly ConfigSourceEntry[],
  watched: readonly string[],
): string[] {
  const warnings: string[] = [];
  const byKey = new Map(entries.map((e) => [e.key, e]));
  for (const field of fields) {
    const entry = byKey.get(field.key);
    if (!field.reloadable || entry === undefined) continue;
    const prefix = `${field.key} is reloadable but`;
    switch (entry.source) {
      case 'env':
      case 'dotenv':
        warnings.push(
          `${prefix} is set by ${entry.source === 'env' ? 'env var ' : ''}${entry.location ?? field.envVar}, which never changes while the process runs; updates to ConfigMap key ${field.configMapKey} will not apply`,
        );
        break;
      case 'file':
        if (!watched.some((dir) => inside(dir, entry.location ?? ''))) {
          warnings.push(`${prefix} is read from ${entry.location} (named by ${entry.via}), which is not inside a watched directory; it will not reload`);
        }
        break;
      case 'config-map':
      case 'secret':
        if (!entry.updatable) {
          warnings.push(
            `${prefix} ${entry.location} is not in a kubelet-managed volume (no ..data link); a subPath mount never updates, so mount the whole ConfigMap as a directory`,
          );
        }
        break;
      default:
        if (watched.length === 0) warnings.push(`${prefix} no watched ConfigMap or Secret directory exists to provide it; it can never change`);
    }
  }
  return warnings;
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
