import type { DoctorReport } from './finding.ts';

/**
 * The report as a person reads it: one block per finding (severity, rule, object, container,
 * field, what is wrong, why, the fix), then a summary line.
 *
 * @example
 * ```ts
 * process.stdout.write(formatReport(doctor({ objects })));
 * ```
 */
export function formatReport(report: DoctorReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    lines.push(`${f.severity} [${f.rule}] ${f.object}${f.container === undefined ? '' : ` container ${f.container}`} (${f.source})`);
    lines.push(`  field: ${f.field}`);
    lines.push(`  ${f.message}`);
    lines.push(`  why: ${f.why}`);
    lines.push(`  fix: ${f.fix}`, '');
  }
  const checked = report.checked.length === 0 ? 'no podkit containers found' : `checked ${report.checked.join(', ')}`;
  lines.push(`${String(report.counts.error)} error(s), ${String(report.counts.warning)} warning(s); ${checked}`);
  return `${lines.join('\n')}\n`;
}

/** The report as JSON (`{ findings, checked, counts }`), for CI and editors. */
export function formatReportJson(report: DoctorReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
