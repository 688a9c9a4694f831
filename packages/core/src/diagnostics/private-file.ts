import { chmod, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that no one else ever reads it half-written or at all: `write` fills a path
 * inside a fresh mode-0700 directory, the file is made mode 0600 and only then renamed into
 * `directory`. On failure nothing is left behind. Returns the final size.
 * @internal
 */
export async function writePrivately(directory: string, name: string, write: (file: string) => Promise<void> | void): Promise<number> {
  const staging = await mkdtemp(path.join(directory, '.podkit-diagnostic-'));
  try {
    const file = path.join(staging, name);
    await write(file);
    await chmod(file, 0o600);
    const { size } = await stat(file);
    await rename(file, path.join(directory, name));
    return size;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
