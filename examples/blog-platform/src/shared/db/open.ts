import path from 'node:path';
import { exampleRoot } from '../paths.ts';
import type { Database } from './database.ts';

export { exampleRoot } from '../paths.ts';

/** Options for {@link openDatabase}. */
export interface OpenDatabaseOptions {
  /** `postgres://` URL; unset → PGlite. */
  readonly url?: string | undefined;
  /** Database password from the Secret `database-password` (PostgreSQL only). */
  readonly password?: string | undefined;
  /** The schema the service owns. */
  readonly schema: string;
  /** PGlite data directory; `undefined` → in memory. */
  readonly dataDir?: string | undefined;
  /** Pool size (PostgreSQL). @default 10 */
  readonly poolSize?: number | undefined;
  /** Application name (PostgreSQL). */
  readonly applicationName?: string | undefined;
}

/**
 * Opens PostgreSQL when a URL is given, PGlite otherwise: same interface, same SQL. Only the
 * driver opened is loaded (`pg` or PGlite), so a process never holds the other's code.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url !== undefined && options.url !== '') {
    const { openPostgres } = await import('./postgres.ts');
    return openPostgres({
      url: options.url,
      schema: options.schema,
      password: options.password,
      max: options.poolSize,
      applicationName: options.applicationName,
    });
  }
  const { openPglite } = await import('./pglite.ts');
  return openPglite({ schema: options.schema, dataDir: options.dataDir });
}

/** Default PGlite data directory of a service: `examples/blog-platform/.data/<service>`. */
export function defaultDataDir(service: string): string {
  return path.join(exampleRoot, '.data', service);
}
