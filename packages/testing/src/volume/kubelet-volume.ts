import { mkdirSync, mkdtempSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let sequence = 0;

/**
 * A directory laid out exactly as the kubelet's AtomicWriter lays out a ConfigMap or Secret
 * volume (kubernetes `pkg/volume/util/atomic_writer.go`), for testing config reloads:
 *
 * ```text
 * ..2026_11_24_17_00_00.123456789/   the payload, one regular file per key
 * ..data -> ..2026_11_24_17_00_00.123456789
 * database.host -> ..data/database.host
 * ```
 *
 * {@link KubeletVolume.update} writes a new timestamped directory, points `..data_tmp` at it,
 * renames `..data_tmp` over `..data` (the atomic swap), adds and removes the key symlinks, then
 * deletes the old directory: a watcher sees the same events as in a pod.
 *
 * @example
 * ```ts
 * const volume = new KubeletVolume({ 'log.level': 'info' });
 * const watcher = watchConfig(definition, { env: { PODKIT_CONFIG_DIR: volume.dir } });
 * volume.update({ 'log.level': 'debug' });   // the watcher reloads
 * volume.remove();
 * ```
 */
export class KubeletVolume {
  /** The volume's directory (a fresh temporary one unless given). */
  readonly dir: string;
  #keys = new Set<string>();

  /**
   * @param files - the initial payload: key (file name) to content
   * @param dir - the directory to use. @default a new directory under the OS temp dir
   */
  constructor(files: Readonly<Record<string, string>>, dir: string = mkdtempSync(join(tmpdir(), 'podkit-kubelet-'))) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.update(files);
  }

  /** Atomically replaces the whole payload, as the kubelet does on a ConfigMap or Secret update. */
  update(files: Readonly<Record<string, string>>): void {
    const version = join(this.dir, timestampName());
    mkdirSync(version);
    for (const [key, value] of Object.entries(files)) writeFileSync(join(version, key), value);
    const old = this.#dataTarget();
    const tmp = join(this.dir, '..data_tmp');
    symlinkSync(version.slice(this.dir.length + 1), tmp);
    renameSync(tmp, join(this.dir, '..data'));
    for (const key of Object.keys(files)) {
      if (!this.#keys.has(key)) symlinkSync(join('..data', key), join(this.dir, key));
    }
    for (const key of this.#keys) if (!Object.hasOwn(files, key)) unlinkSync(join(this.dir, key));
    this.#keys = new Set(Object.keys(files));
    if (old !== undefined) rmSync(join(this.dir, old), { recursive: true, force: true });
  }

  /** The timestamped payload directories present (exactly one between updates). */
  versions(): string[] {
    return readdirSync(this.dir).filter((n) => n.startsWith('..') && n !== '..data');
  }

  /** Deletes the directory and everything in it. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  #dataTarget(): string | undefined {
    try {
      return readlinkSync(join(this.dir, '..data'));
    } catch {
      return undefined;
    }
  }
}

function timestampName(): string {
  const now = new Date();
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  sequence += 1;
  const nanos = pad(now.getUTCMilliseconds(), 3) + pad(sequence % 1_000_000, 6);
  return `..${String(now.getUTCFullYear())}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(
    now.getUTCMinutes(),
  )}_${pad(now.getUTCSeconds())}.${nanos}`;
}
