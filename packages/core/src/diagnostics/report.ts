/**
 * The Node.js diagnostic report of this process as JSON text, without its environment variables
 * (connection strings and tokens live there) and with every string passed through `redact`.
 * @internal
 */
export function buildReport(redact: (text: string) => string): string {
  const report = process.report.getReport() as Record<string, unknown>;
  if ('environmentVariables' in report) report.environmentVariables = '[removed by podkit: environment variables carry secrets]';
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'string' ? redact(value) : value), 2);
}
