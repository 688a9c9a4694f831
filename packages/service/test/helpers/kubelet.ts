import { mkdirSync, mkdtempSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync, unlinkSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let sequence = 0;

/**
 * A directory laid out exactly as the kubelet's AtomicWriter lays out a ConfigMap/Secret volume
 * (kubernetes pkg/volume/util/atomic_writer.go):
 *
 *   ..2026_11_24_17_00_00.123456789/   the payload, one regular file per key
 *   ..data -> ..2026_11_24_17_00_00.123456789
 *   database.host -> ..data/database.host
 *
 * An update writes a new timestamped directory, points `..data_tmp` at it, renames `..data_tmp`
 * over `..data` (the atomic swap), adds/removes the key symlinks, then deletes the old directory.
 */
export class KubeletVolume {
  readonly dir: string;
  #keys = new Set<string>();

  constructor(files: Record<string, string>, dir = mkdtempSync(join(tmpdir(), 'podkit-kubelet-'))) {
    this.dir = dir;
    mkdirSync(dir, { recursive: true });
    this.update(files);
  }

  /** Atomically replaces the whole payload, as the kubelet does on a ConfigMap update. */
  update(files: Record<string, string>): void {
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
    for (const key of this.#keys) if (!(key in files)) unlinkSync(join(this.dir, key));
    this.#keys = new Set(Object.keys(files));
    if (old !== undefined) rmSync(join(this.dir, old), { recursive: true, force: true });
  }

  /** The timestamped directories present (normally exactly one). */
  versions(): string[] {
    return readdirSync(this.dir).filter((n) => n.startsWith('..') && n !== '..data');
  }

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
  return `..${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(
    now.getUTCMinutes(),
  )}_${pad(now.getUTCSeconds())}.${nanos}`;
}
