import { lstatSync, readFileSync, readdirSync, readlinkSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { stripNewline } from './types.ts';

/** One consistent read of a mounted directory. @internal */
export interface DirectorySnapshot {
  exists: boolean;
  /** The directory is kubelet-managed: it has a `..data` symlink to a timestamped directory. */
  managed: boolean;
  /** Files by key name: the path an operator sees (`/etc/config/log.level`) and its content. */
  files: Map<string, { path: string; value: string }>;
  /** Files that could not be read, by key name. */
  unreadable: Map<string, { path: string; error: unknown }>;
}

/**
 * Reads every key of a mounted ConfigMap/Secret directory consistently.
 *
 * The kubelet writes a new timestamped directory (`..2026_11_24_17_00_00.123456789`), points a
 * temporary symlink at it and renames that over `..data`; key files are symlinks `key ->
 * ..data/key`. Reading through the key symlinks while a swap happens could mix old and new
 * files, so this resolves `..data` once, reads the files inside that timestamped directory, and
 * retries if `..data` moved meanwhile: a snapshot is always one whole version.
 * Directories without `..data` (local development, a plain mount) are read file by file.
 * @internal
 */
export function snapshotDirectory(dir: string): DirectorySnapshot {
  const empty = (): DirectorySnapshot => ({ exists: false, managed: false, files: new Map(), unreadable: new Map() });
  try {
    if (!statSync(dir).isDirectory()) return empty();
  } catch {
    return empty();
  }
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const target = dataTarget(dir);
    if (target === undefined) return readPlain(dir);
    const snapshot: DirectorySnapshot = { exists: true, managed: true, files: new Map(), unreadable: new Map() };
    const version = resolve(dir, target);
    let entries: Dirent[];
    try {
      entries = readdirSync(version, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
    } catch {
      continue; // swapped and cleaned up under us: read the new version
    }
    for (const entry of entries) readInto(snapshot, entry, join(version, entry.name), join(dir, entry.name));
    if (dataTarget(dir) === target) return snapshot;
  }
  return readPlain(dir);
}

function dataTarget(dir: string): string | undefined {
  try {
    const link = join(dir, '..data');
    return lstatSync(link).isSymbolicLink() ? readlinkSync(link) : undefined;
  } catch {
    return undefined;
  }
}

function readPlain(dir: string): DirectorySnapshot {
  const snapshot: DirectorySnapshot = { exists: true, managed: false, files: new Map(), unreadable: new Map() };
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.name.startsWith('.'));
  } catch (error) {
    snapshot.unreadable.set('.', { path: dir, error });
    return snapshot;
  }
  for (const entry of entries) readInto(snapshot, entry, join(dir, entry.name), join(dir, entry.name));
  return snapshot;
}

function readInto(snapshot: DirectorySnapshot, entry: Dirent, realPath: string, shownPath: string): void {
  const name = entry.name;
  try {
    // Regular files need no extra stat; symlinks (plain mounts, hand-made dirs) are followed.
    if (!entry.isFile() && !(entry.isSymbolicLink() && statSync(realPath).isFile())) return;
    snapshot.files.set(name, { path: shownPath, value: stripNewline(readFileSync(realPath, 'utf8')) });
  } catch (error) {
    snapshot.unreadable.set(name, { path: shownPath, error });
  }
}
