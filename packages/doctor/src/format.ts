import type { DoctorReport } from './finding.ts';

/**
 * The report as a person reads it: one block per finding (severity, rule, object, container,
 * field, what is wrong, why, the fix; why and fix spelled out at a rule's first finding), then a
 * summary line.
 *
 * @example
 * ```ts
 * process.stdout.write(formatReport(doctor({ objects })));
 * ```
 */
export function formatReport(report: DoctorReport): string {
  const lines: string[] = [];
  const explained = new Set<string>();
  for (const f of report.findings) {
    lines.push(`${f.severity} [${f.rule}] ${f.object}${f.container === undefined ? '' : ` container ${f.container}`} (${f.source})`);
    lines.push(`  field: ${f.field}`);
    lines.push(`  ${f.message}`);
    const key = `${f.rule}\n${f.fix}`;
    if (explained.has(key)) lines.push(`  why, fix: as for [${f.rule}] above`, '');
    else lines.push(`  why: ${f.why}`, `  fix: ${f.fix}`, '');
    explained.add(key);
  }
  const checked = report.checked.length === 0 ? 'no podkit containers found' : `checked ${report.checked.join(', ')}`;
  lines.push(`${String(report.counts.error)} error(s), ${String(report.counts.warning)} warning(s); ${checked}`);
  return `${lines.join('\n')}\n`;
}

/** The report as JSON (`{ findings, checked, counts }`), for CI and editors. */
export function formatReportJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
