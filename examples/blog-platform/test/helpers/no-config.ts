import path from 'node:path';

/**
 * An empty directory to name as `PODKIT_CONFIG_DIR`/`PODKIT_SECRETS_DIR`, so a test reads nothing
 * from the machine's `/etc/config` (a named directory must exist: podkit rejects a missing one).
 */
export const NO_CONFIG_DIR: string = path.join(import.meta.dirname, '../fixtures/no-config');
