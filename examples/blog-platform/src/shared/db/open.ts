import path from 'node:path';
import type { Database } from './database.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

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

/** Opens PostgreSQL when a URL is given, PGlite otherwise: same interface, same SQL. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url !== undefined && options.url !== '') {
    return openPostgres({
      url: options.url,
      schema: options.schema,
      password: options.password,
      max: options.poolSize,
      applicationName: options.applicationName,
    });
  }
  return openPglite({ schema: options.schema, dataDir: options.dataDir });
}

/** The example's root directory (`examples/blog-platform`). */
export const exampleRoot: string = path.resolve(import.meta.dirname, '../../..');

/** Default PGlite data directory of a service: `examples/blog-platform/.data/<service>`. */
export function defaultDataDir(service: string): string {
  return path.join(exampleRoot, '.data', service);
}
