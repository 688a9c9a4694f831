import { resolve } from 'node:path';
import type { ConfigLayer } from './sources/types.ts';

/**
 * Where to read configuration from. Every source is optional: a missing `.env` file and a
 * missing *default* directory (`/etc/config`, `/etc/secrets`) are simply empty sources. A
 * directory named explicitly (the `configDir`/`secretsDir` option or the `PODKIT_CONFIG_DIR`/
 * `PODKIT_SECRETS_DIR` env var) must exist: a mistyped mount path is a `ConfigDirectoryError`.
 */
export interface LoadOptions {
  /**
   * Environment variables to read (also consulted for `PODKIT_CONFIG_DIR` / `PODKIT_SECRETS_DIR`).
   * @default process.env (read when `load` is called, never on import)
   */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Mounted ConfigMap directory, or `false` to skip it. When given (here or by
   * `PODKIT_CONFIG_DIR`) it must exist; only the default `/etc/config` may be absent.
   * @default env.PODKIT_CONFIG_DIR ?? '/etc/config'
   */
  configDir?: string | false;
  /**
   * Mounted Secret directory, or `false` to skip it. When given (here or by
   * `PODKIT_SECRETS_DIR`) it must exist; only the default `/etc/secrets` may be absent.
   * @default env.PODKIT_SECRETS_DIR ?? '/etc/secrets'
   */
  secretsDir?: string | false;
  /**
   * `.env` file for local development (resolved against `cwd`), or `false` to skip it. Never
   * required: a missing file is ignored.
   * @default '.env'
   */
  envFile?: string | false;
  /**
   * Directory relative paths are resolved against.
   * @default process.cwd()
   */
  cwd?: string;
  /**
   * Source order, lowest precedence first (later wins); schema defaults always come first.
   * Leave a layer out to disable it.
   * @default ['config-map', 'secret', 'dotenv', 'env']
   */
  precedence?: readonly ConfigLayer[];
}

/** The default source order, lowest precedence first. */
export const DEFAULT_PRECEDENCE: readonly ConfigLayer[] = Object.freeze(['config-map', 'secret', 'dotenv', 'env']);

/**
 * Who named a directory: `option configDir`, `env PODKIT_CONFIG_DIR="..."`, or `undefined` for
 * the implicit default (which may be absent). @internal
 */
export type NamedBy = string | undefined;

/** {@link LoadOptions} with defaults applied. @internal */
export interface ResolvedLoadOptions {
  env: Readonly<Record<string, string | undefined>>;
  configDir: string | undefined;
  secretsDir: string | undefined;
  /** Who named `configDir` / `secretsDir`; `undefined` for the defaults. */
  namedBy: { readonly configDir: NamedBy; readonly secretsDir: NamedBy };
  envFile: string | undefined;
  precedence: readonly ConfigLayer[];
  /** Running in a Kubernetes pod: `KUBERNETES_SERVICE_HOST` is set in `env`. */
  kubernetes: boolean;
}

/** Applies defaults once, so reloads read exactly the same places. @internal */
export function resolveLoadOptions(options: LoadOptions = {}): ResolvedLoadOptions {
  const env = options.env ?? { ...process.env };
  const cwd = options.cwd ?? process.cwd();
  const pick = (value: string | false | undefined, fallback: string): string | undefined =>
    value === false ? undefined : resolve(cwd, value ?? fallback);
  const namer = (option: string, value: string | false | undefined, envVar: string): NamedBy =>
    value === false ? undefined : value !== undefined ? `option ${option}` : env[envVar] ? `env ${envVar}=${JSON.stringify(env[envVar])}` : undefined;
  const precedence = options.precedence ?? DEFAULT_PRECEDENCE;
  return {
    env,
    configDir: precedence.includes('config-map') ? pick(options.configDir, env['PODKIT_CONFIG_DIR'] || '/etc/config') : undefined,
    secretsDir: precedence.includes('secret') ? pick(options.secretsDir, env['PODKIT_SECRETS_DIR'] || '/etc/secrets') : undefined,
    namedBy: {
      configDir: namer('configDir', options.configDir, 'PODKIT_CONFIG_DIR'),
      secretsDir: namer('secretsDir', options.secretsDir, 'PODKIT_SECRETS_DIR'),
    },
    envFile: precedence.includes('dotenv') ? pick(options.envFile, '.env') : undefined,
    precedence,
    kubernetes: Boolean(env['KUBERNETES_SERVICE_HOST']),
  };
}
