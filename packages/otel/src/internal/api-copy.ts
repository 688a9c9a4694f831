import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as OtelApi from '@opentelemetry/api';

/** One loaded copy of `@opentelemetry/api`: the module, its version and its package directory. */
export interface ApiCopy {
  readonly api: typeof OtelApi;
  readonly version: string;
  /** The package directory, e.g. `/app/node_modules/@opentelemetry/api`. */
  readonly path: string;
}

/**
 * Resolves `@opentelemetry/api` as Node does from `from` (a file, or a directory ending in a
 * separator), and loads that copy.
 */
export async function loadApiCopy(from: string): Promise<ApiCopy> {
  const entry = createRequire(from).resolve('@opentelemetry/api');
  const dir = packageDir(entry);
  const version = (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  const api = (await import(pathToFileURL(entry).href)) as typeof OtelApi;
  return { api, version, path: dir };
}

/** The file from which `@opentelemetry/sdk-trace` resolves its `@opentelemetry/api` (its entry). */
export function sdkTraceLocation(from: string): string {
  return createRequire(from).resolve('@opentelemetry/sdk-trace');
}

/** The file from which `@podkit/core` resolves its `@opentelemetry/api`. */
export function podkitCoreLocation(from: string): string {
  return createRequire(from).resolve('@podkit/core/package.json');
}

function packageDir(entry: string): string {
  let dir = path.dirname(entry);
  while (path.basename(dir) !== 'api' || path.basename(path.dirname(dir)) !== '@opentelemetry') {
    const parent = path.dirname(dir);
    if (parent === dir) return path.dirname(entry);
    dir = parent;
  }
  return dir;
}
