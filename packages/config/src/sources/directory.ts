import type { ConfigField } from '../schema/fields.ts';
import { describeFsError } from './env.ts';
import { snapshotDirectory } from './snapshot.ts';
import type { RawValue, SourceProblem, SourceResult } from './types.ts';

/**
 * Reads fields from a mounted ConfigMap or Secret directory: one file per key, named
 * `database.host` (ConfigMap style), `database-password` (Secret style) or as the schema spells
 * it. Files that match no key produce a warning naming the closest key (a typo in a ConfigMap
 * key is the commonest mistake). Values from the Secret directory are always treated as secret.
 * @internal
 */
export function readDirectory(fields: readonly ConfigField[], dir: string, kind: 'config-map' | 'secret'): SourceResult {
  const snapshot = snapshotDirectory(dir);
  const values = new Map<string, RawValue>();
  const problems: SourceProblem[] = [];
  const warnings: string[] = [];
  const known = new Set<string>();
  for (const field of fields) {
    const present = field.fileNames.filter((n) => snapshot.files.has(n) || snapshot.unreadable.has(n));
    present.forEach((n) => known.add(n));
    const [first, ...others] = present;
    if (first === undefined) continue;
    const broken = snapshot.unreadable.get(first);
    if (broken !== undefined) {
      problems.push({ field, kind: 'unreadable', source: kind, location: broken.path, detail: describeFsError(broken.error) });
      continue;
    }
    const file = snapshot.files.get(first)!;
    const differing = others.find((n) => snapshot.files.get(n)?.value !== file.value);
    if (differing !== undefined) {
      problems.push({
        field,
        kind: 'conflict',
        source: kind,
        location: file.path,
        detail: `both ${first} and ${differing} are present in ${dir} with different values; keep one`,
      });
      continue;
    }
    values.set(field.key, {
      value: file.value,
      source: kind,
      location: file.path,
      secret: kind === 'secret',
      updatable: snapshot.managed,
    });
  }
  const label = kind === 'secret' ? 'Secret' : 'ConfigMap';
  for (const name of [...snapshot.files.keys(), ...snapshot.unreadable.keys()]) {
    if (known.has(name) || name === '.') continue;
    const hint = closest(name, fields);
    warnings.push(`${label} key ${name} in ${dir} matches no config key${hint === undefined ? '' : ` (did you mean ${hint}?)`}`);
  }
  return { values, problems, warnings };
}

function closest(name: string, fields: readonly ConfigField[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const field of fields) {
    for (const candidate of field.fileNames) {
      const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
      if (best === undefined || distance < best.distance) best = { name: candidate, distance };
    }
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
