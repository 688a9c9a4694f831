import { DiagnosticsDirectoryError, DiagnosticsSpaceError } from '../errors.ts';
import type { DiagnosticKind, StatFs } from './types.ts';

/**
 * Throws {@link DiagnosticsSpaceError} when the filesystem of `directory` has fewer than
 * `requiredBytes` free for this process. Reads the filesystem's free space: a memory-backed
 * emptyDir (tmpfs) reports its size limit, a disk-backed one the node's disk.
 * @internal
 */
export async function ensureFreeSpace(
  kind: DiagnosticKind,
  directory: string,
  requiredBytes: number,
  statfs: (path: string) => Promise<StatFs>,
): Promise<void> {
  let stats: StatFs;
  try {
    stats = await statfs(directory);
  } catch (err) {
    throw new DiagnosticsDirectoryError(directory, `cannot read its free space (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  const available = Number(stats.bavail) * Number(stats.bsize);
  if (available < requiredBytes) throw new DiagnosticsSpaceError(kind, directory, Math.ceil(requiredBytes), available);
}
