import type { DoctorRule, RuleHit } from '../rule.ts';

/** Reloadable keys also set by an env var. */
export const reloadEnvOverrideRule: DoctorRule = {
  id: 'reload-env-override',
  title: 'reloadable keys are not overridden by environment variables',
  why:
    'In podkit config an environment variable wins over the mounted ConfigMap, and a process\'s environment never changes: a ' +
    'reloadable key that is also set in env (or envFrom) keeps the env value, and editing the ConfigMap reloads nothing.',
  fix: 'Remove the env (or envFrom) entry and set the key in the mounted ConfigMap only.',
  settings: ['config definition'],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      for (const f of c.definition?.fields ?? []) {
        if (!f.reloadable) continue;
        for (const name of f.envNames) {
          const entry = c.env.get(name);
          const from = c.envFrom.get(name);
          if (entry === undefined && from === undefined) continue;
          hits.push({
            severity: 'error',
            object: c.workload,
            container: c.name,
            field: entry?.path ?? from!,
            message: `the reloadable key ${f.key} is set by the env var ${name}${entry === undefined ? ' (from envFrom)' : ''}: it will never reload`,
          });
        }
      }
    }
    return hits;
  },
};
