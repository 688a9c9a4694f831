import { posix } from 'node:path';
import { arr, obj, str } from '../model/json.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';

/** Config files mounted with subPath: the kubelet never updates them. */
export const reloadSubPathRule: DoctorRule = {
  id: 'reload-subpath',
  title: 'config and secret directories are mounted whole, never with subPath',
  why:
    'The kubelet updates a ConfigMap or Secret volume by swapping its ..data link; a subPath mount is a copy that never changes. ' +
    'podkit config reloads reloadable keys when the mounted directory changes, so a subPath-mounted key keeps its old value ' +
    'until the pod restarts.',
  fix: 'Mount the whole ConfigMap (or Secret) as a directory at the config directory (PODKIT_CONFIG_DIR, default /etc/config), without subPath; select keys with items if needed.',
  settings: [],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      arr(c.container['volumeMounts']).forEach((m, i) => {
        const mount = obj(m);
        const mountPath = str(mount?.['mountPath']);
        if (mountPath === undefined || (mount?.['subPath'] === undefined && mount?.['subPathExpr'] === undefined)) return;
        const dir = [c.configDir, c.secretsDir].find((d) => {
          const rel = posix.relative(posix.normalize(d), posix.normalize(mountPath));
          return rel === '' || (!rel.startsWith('..') && !posix.isAbsolute(rel));
        });
        if (dir === undefined) return;
        const file = posix.basename(mountPath);
        const reloadable = (c.definition?.fields ?? []).filter((f) => f.reloadable && f.fileNames.includes(file)).map((f) => f.key);
        const field = `${c.path}.volumeMounts[${String(i)}].subPath`;
        const base = { object: c.workload, container: c.name, field };
        if (reloadable.length > 0) {
          hits.push({ ...base, severity: 'error', message: `${mountPath} is mounted with subPath, so the reloadable key ${reloadable.join(', ')} will never reload` });
        } else {
          hits.push({ ...base, severity: 'warning', message: `${mountPath} is mounted with subPath in ${dir}: it never sees ConfigMap or Secret updates` });
        }
      });
    }
    return hits;
  },
};
