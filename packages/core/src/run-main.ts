import { isConfigurationError, type ConfigurationError } from './errors.ts';

/** Exit status for a configuration problem (BSD `EX_CONFIG`), as `@podkit/config` uses. */
const EX_CONFIG = 78;
/**
 * podkit codes that mean "the service is configured wrongly", answered with {@link EX_CONFIG};
 * every `@podkit/config` code (`ERR_PODKIT_CONFIG_*`) counts too.
 */
const CONFIG_CODES: ReadonlySet<string> = new Set([
  'ERR_PODKIT_CONFIG_INVALID',
  'ERR_PODKIT_CONFIG_SCHEMA',
  'ERR_PODKIT_INVALID_OPTION',
  'ERR_PODKIT_SHUTDOWN_BUDGET',
  'ERR_PODKIT_METRIC_NAME',
  'ERR_PODKIT_HTTP_OPTIONS',
  'ERR_PODKIT_HTTP_CLIENT_OPTIONS',
  'ERR_PODKIT_CONSUMER_OPTIONS',
]);

/** Options of {@link runMain}. */
export interface RunMainOptions {
  /** Prefix of the error line, usually the service name. @default no prefix */
  readonly name?: string;
  /** Ends the process after a startup failure. @default (code) => process.exit(code) */
  readonly exit?: (code: number) => void;
  /** Where the error line is written. @default process.stderr */
  readonly stderr?: { write(text: string): unknown };
}

/** True for podkit's own operational errors (a stable `ERR_PODKIT_*` code), false for bugs. */
function isPodkitCoded(error: unknown): error is Error & { code: string } {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('ERR_PODKIT_');
}

/** The first {@link ConfigurationError} in `error`'s `cause` chain (at most 10 deep), if any. */
function configurationErrorIn(error: unknown): ConfigurationError | undefined {
  let at: unknown = error;
  for (let depth = 0; depth < 10 && at instanceof Error; depth++, at = at.cause) {
    if (isConfigurationError(at)) return at;
  }
  return undefined;
}

/**
 * Runs a service's entry point. When startup fails with one of podkit's errors (invalid config,
 * a shutdown budget that cannot fit, a port already in use, ...) it writes the message alone,
 * with its code and no stack trace, to stderr and exits non-zero: 78 (`EX_CONFIG`) for
 * configuration problems, 1 otherwise. Your own configuration problems get the same treatment
 * (one line, exit 78) when they are a {@link ConfigurationError}, or have one in their `cause`
 * chain. Anything else is a bug, so its stack is printed. It
 * installs nothing and never exits on success: the lifecycle owns the process from there.
 *
 * @example
 * ```ts
 * import { createService, runMain } from '@podkit/core';
 * import { serve } from '@podkit/http';
 *
 * await runMain(async () => {
 *   const service = createService({ name: 'posts', version: '1.0.0' });
 *   await serve(service, handler, { port: 8080 });
 *   await service.start();
 * }, { name: 'posts' });
 * // port taken → stderr: "posts: cannot listen on *:8080: ... (ERR_PODKIT_HTTP_LISTEN)", exit 1
 * ```
 */
export async function runMain(main: () => unknown, options: RunMainOptions = {}): Promise<void> {
  const { exit = (code: number) => process.exit(code), stderr = process.stderr, name } = options;
  try {
    await main();
  } catch (error) {
    const prefix = name === undefined ? '' : `${name}: `;
    const configuration = configurationErrorIn(error);
    if (configuration !== undefined) {
      stderr.write(`${prefix}${configuration.message} (${configuration.code})\n`);
      exit(EX_CONFIG);
      return;
    }
    if (isPodkitCoded(error)) {
      stderr.write(`${prefix}${error.message} (${error.code})\n`);
      exit(CONFIG_CODES.has(error.code) || error.code.startsWith('ERR_PODKIT_CONFIG_') ? EX_CONFIG : 1);
      return;
    }
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    stderr.write(`${prefix}startup failed: ${text}\n`);
    exit(1);
  }
}
