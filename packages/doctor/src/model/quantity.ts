/** Kubernetes resource quantities and durations as the doctor reads them. @internal */

const BINARY: Readonly<Record<string, number>> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Readonly<Record<string, number>> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Bytes of a memory quantity (`512Mi`, `1G`, `1e9`, `268435456`), or `undefined` when it does not parse. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([KMGTPE]i|[mkMGTPE]?)$/.exec(value.trim());
  if (m === null) return undefined;
  const factor = BINARY[m[2]!] ?? DECIMAL[m[2]!];
  return factor === undefined ? undefined : Number(m[1]) * factor;
}

/** `bytes` in MiB, for messages. */
export function mib(bytes: number): string {
  return `${String(Math.round((bytes / 2 ** 20) * 10) / 10)} MiB`;
}

/** Milliseconds of a duration written as podkit config accepts it in a ConfigMap (`30s`, `1m30s`, `500ms`); `undefined` for a bare number. */
export function parseDurationMs(value: string): number | undefined {
  const units: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const text = value.trim();
  if (text === '' || !/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(text)) return undefined;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(part[1]) * units[part[2]!]!;
  return total;
}
