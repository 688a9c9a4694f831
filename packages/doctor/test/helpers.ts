import { join } from 'node:path';
import { doctor, readManifestPaths, type DoctorOptions, type Finding } from '@podkit/doctor';
import { definition } from './fixtures/definition.ts';

/** The fixtures directory. */
export const fixturesDir: string = join(import.meta.dirname, 'fixtures');

/** A finding without the rule's constant texts (why, fix) and the source. */
export type Short = Pick<Finding, 'rule' | 'severity' | 'object' | 'container' | 'field' | 'message'>;

/** Runs every rule on a fixture file with the fixtures' config definition. */
export function check(file: string, options: Partial<DoctorOptions> = {}): Short[] {
  const report = doctor({ objects: readManifestPaths([join(fixturesDir, file)]), definitions: definition, ...options });
  return report.findings.map(({ rule, severity, object, container, field, message }) => ({ rule, severity, object, container, field, message }));
}
