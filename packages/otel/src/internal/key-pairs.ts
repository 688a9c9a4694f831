import { TelemetryConfigError } from '../errors.ts';

/**
 * Parses the `key=value,key=value` lists of `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS` (keys and values trimmed, values percent-decoded, empty entries
 * skipped). An entry without `=` or with an empty key, or a value that is not valid
 * percent-encoding, throws {@link TelemetryConfigError} naming the variable and the entry's
 * position, never its text: a header list holds credentials.
 */
export function parseKeyPairs(variable: string, raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined || raw.trim() === '') return out;
  raw.split(',').forEach((entry, i) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    const key = eq < 0 ? '' : entry.slice(0, eq).trim();
    if (key === '') throw new TelemetryConfigError(variable, `entry ${i + 1} is not key=value (expected "key1=value1,key2=value2")`);
    try {
      out[key] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      throw new TelemetryConfigError(variable, `the value of entry ${i + 1} (key "${key}") is not valid percent-encoding`);
    }
  });
  return out;
}
