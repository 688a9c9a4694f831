// How long @podkit/config takes to load and validate a 100-key config from a kubelet-style
// ConfigMap directory (50 keys), a Secret directory (10 keys) and env vars (40 keys): every file
// read, every value coerced, the zod schema run, the result redacted/frozen.
// Run: node bench/config.bench.ts   (uses the built package; `npm run build` first, or add
// --conditions=@podkit/source to measure the sources directly)
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { defineConfig, duration, secret } from '@podkit/config';

/** The benchmark's result. */
export interface ConfigBenchResult {
  readonly name: string;
  /** Keys in the schema. */
  readonly keys: number;
  /** Microseconds per load (median of rounds). */
  readonly microsPerOp: number;
  /** Loads measured per round. */
  readonly ops: number;
  /** Per-round µs/op. */
  readonly rounds: readonly number[];
  /** The same 100 keys all from env vars (no file I/O), µs/op median: the cost of coercion + zod + freezing. */
  readonly envOnlyMicrosPerOp: number;
}

/** Options of {@link run}. */
export interface ConfigBenchOptions {
  /** Loads per round. @default 2000 */
  readonly ops?: number;
  /** Rounds; the median is reported. @default 5 */
  readonly rounds?: number;
}

/** A volume laid out as the kubelet does: timestamped dir, `..data` symlink, key symlinks. */
function kubeletDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'podkit-bench-config-'));
  const version = '..2026_11_24_17_00_00.000000001';
  mkdirSync(join(dir, version));
  for (const [key, value] of Object.entries(files)) writeFileSync(join(dir, version, key), value);
  symlinkSync(version, join(dir, '..data_tmp'));
  renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  for (const key of Object.keys(files)) symlinkSync(join('..data', key), join(dir, key));
  return dir;
}

function fixture(): {
  schema: z.ZodObject;
  configDir: string;
  secretsDir: string;
  env: Record<string, string>;
  allEnv: Record<string, string>;
} {
  const sections: Record<string, z.ZodObject> = {};
  const configMap: Record<string, string> = {};
  const secrets: Record<string, string> = {};
  const env: Record<string, string> = {};
  const allEnv: Record<string, string> = {};
  for (let s = 0; s < 10; s += 1) {
    const shape: Record<string, z.ZodType> = {};
    for (let k = 0; k < 10; k += 1) {
      const name = `key${k}`;
      const index = s * 10 + k;
      const kind = index % 5;
      shape[name] =
        kind === 0 ? z.number().int().min(0) : kind === 1 ? z.boolean() : kind === 2 ? duration() : kind === 3 ? z.enum(['a', 'b', 'c']) : z.string().min(1);
      const value = kind === 0 ? String(index) : kind === 1 ? 'true' : kind === 2 ? `${index}s` : kind === 3 ? 'b' : `value-${index}`;
      allEnv[`SECTION${s}_KEY${k}`] = index % 10 === 9 ? `secret-${index}` : value;
      if (index % 10 === 9) {
        shape[name] = secret(z.string().min(1));
        secrets[`section${s}-${name}`] = `secret-${index}`;
      } else if (index < 50) configMap[`section${s}.${name}`] = value;
      else env[`SECTION${s}_KEY${k}`] = value;
    }
    sections[`section${s}`] = z.object(shape);
  }
  return { schema: z.object(sections), configDir: kubeletDir(configMap), secretsDir: kubeletDir(secrets), env, allEnv };
}

async function measure(load: () => unknown, ops: number, rounds: number): Promise<number[]> {
  for (let i = 0; i < 200; i += 1) load(); // warm up
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const started = performance.now();
    for (let i = 0; i < ops; i += 1) load();
    perRound.push(((performance.now() - started) * 1000) / ops);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return perRound;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** Runs the benchmark. */
export async function run(options: ConfigBenchOptions = {}): Promise<ConfigBenchResult> {
  const { ops = 2000, rounds = 5 } = options;
  const { schema, configDir, secretsDir, env, allEnv } = fixture();
  try {
    const definition = defineConfig(schema);
    const keys = definition.fields.length;
    const fromFiles = (): unknown => definition.load({ env, configDir, secretsDir, envFile: false });
    const fromEnv = (): unknown => definition.load({ env: allEnv, configDir: false, secretsDir: false, envFile: false });
    const perRound = await measure(fromFiles, ops, rounds);
    const envOnly = await measure(fromEnv, ops, rounds);
    return { name: 'config: load+validate', keys, microsPerOp: median(perRound), ops, rounds: perRound, envOnlyMicrosPerOp: median(envOnly) };
  } finally {
    rmSync(configDir, { recursive: true, force: true });
    rmSync(secretsDir, { recursive: true, force: true });
  }
}

/** The result line the bench prints. */
export function format(result: ConfigBenchResult): string {
  return (
    `${result.name} ${result.keys} keys: ${result.microsPerOp.toFixed(1)} µs/op (${result.ops} ops × ${result.rounds.length} rounds, median; ` +
    `all from env vars, no file I/O: ${result.envOnlyMicrosPerOp.toFixed(1)} µs/op)`
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(format(await run()));
}
