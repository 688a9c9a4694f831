import { accessSync, constants, statSync } from 'node:fs';
import { ConfigDirectoryError } from '../errors.ts';
import type { ResolvedLoadOptions } from '../options.ts';

/**
 * Checks the ConfigMap and Secret directories before they are read: one named explicitly
 * (option or env var) must be a readable directory; the implicit defaults may be absent (or be
 * something else than a directory, which is not podkit's mount), but a default directory that
 * exists and cannot be read is an error too. Returns the first problem. @internal
 */
export function checkMounts(options: ResolvedLoadOptions): ConfigDirectoryError | undefined {
  const mounts = [
    { source: 'config-map', path: options.configDir, namedBy: options.namedBy.configDir },
    { source: 'secret', path: options.secretsDir, namedBy: options.namedBy.secretsDir },
  ] as const;
  for (const { source, path, namedBy } of mounts) {
    if (path === undefined) continue;
    const problem = inspectDirectory(path);
    if (problem === undefined) continue;
    if (namedBy === undefined && problem.reason !== 'cannot be read') continue;
    const reason = problem.reason === 'cannot be read' ? `cannot be read (${describe(problem.error)})` : problem.reason;
    return new ConfigDirectoryError(source, path, namedBy, reason, { cause: problem.error });
  }
  return undefined;
}

type Problem = { reason: 'does not exist' | 'is not a directory' | 'cannot be read'; error: unknown };

function inspectDirectory(path: string): Problem | undefined {
  try {
    if (!statSync(path).isDirectory()) return { reason: 'is not a directory', error: undefined };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? { reason: 'does not exist', error } : { reason: 'cannot be read', error };
  }
  try {
    accessSync(path, constants.R_OK | constants.X_OK);
  } catch (error) {
    return { reason: 'cannot be read', error };
  }
  return undefined;
}

function describe(error: unknown): string {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
}
