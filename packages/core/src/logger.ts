import { hostname } from 'node:os';
import { pino } from 'pino';
import type { DestinationStream, Level, LevelWithSilent, Logger } from 'pino';
import { InvalidOptionError } from './errors.ts';
import { DEFAULT_REDACT_KEYS, REDACTED, keyRedactor, valueRedactor } from './logging/redaction.ts';
import { bufferedDestination } from './logging/buffered-destination.ts';
import { createIsoTime } from './logging/iso-time.ts';
import { prettyAvailable, prettyDestination } from './logging/pretty.ts';
import { getRequestContext } from './request-context.ts';
import { getTraceIds } from './tracing.ts';

export type { Logger } from 'pino';

/** Name and version of the service, written on every log line and as metric labels. */
export interface ServiceIdentity {
  /** Service name, e.g. `posts`. Logged as `service`. */
  readonly name: string;
  /** Service version, e.g. `1.4.2` or a git sha. Logged as `version`. */
  readonly version: string;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name and version added to every line. */
  readonly service: ServiceIdentity;
  /**
   * Minimum level. Change it at runtime with `logger.level = 'debug'` (e.g. on a ConfigMap reload).
   * @default 'info'
   */
  readonly level?: LevelWithSilent;
  /**
   * Where lines are written. Tests inject a stream and parse what it received.
   * @default bufferedDestination() (stdout: lines under load batched into one synchronous write
   * per 16 KiB or 100 ms; a lone line, `error`/`fatal` lines and exit flush at once), or see
   * `buffer` and `async`
   */
  readonly destination?: DestinationStream;
  /**
   * Batch stdout lines ({@link bufferedDestination}): one `write(2)` per 16 KiB or 100 ms instead
   * of one per line, `error` and `fatal` lines written at once (after what was buffered), and a
   * flush at process exit, on `logger.flush()` and in the lifecycle's shutdown. `false` writes
   * each line synchronously (nothing lost even on SIGKILL, at one syscall per line). Ignored when
   * a `destination` is given or `async` is set.
   * @default true
   */
  readonly buffer?: boolean;
  /**
   * Write stdout asynchronously (buffered). Faster under heavy logging; pino flushes the buffer
   * synchronously on exit and podkit's lifecycle flushes before calling `exit`. Ignored when a
   * `destination` is given.
   * @default false
   */
  readonly async?: boolean;
  /**
   * Extra redact paths in pino syntax (`'body.creditCard'`), on top of the key-based redaction.
   * Prefer `redactKeys`: wildcard paths (`'*.ssn'`) make every line much slower.
   * @default []
   */
  readonly redactPaths?: readonly string[];
  /**
   * Extra key names redacted wherever they appear (objects are walked 4 levels deep), in
   * addition to {@link DEFAULT_REDACT_KEYS} and secret-looking names (`*password*`, `*secret*`,
   * `*token`, `*api-key*`, `*private-key*`, `*authorization*`, `*cookie*`, `*credential*`).
   * @default []
   */
  readonly redactKeys?: readonly string[];
  /**
   * Secret VALUES to mask wherever they appear in a line (e.g. the values `@podkit/config` marks
   * secret). Called for every line, so return a cached collection; it is re-read each time, so a
   * config reload takes effect immediately. Values shorter than 4 characters are ignored.
   * @default undefined (no value scan, no cost)
   */
  readonly redactValues?: () => Iterable<string>;
  /**
   * Pod or host name logged as `pod`.
   * @default env.POD_NAME ?? os.hostname()
   */
  readonly podName?: string;
  /**
   * Human-readable output through `pino-pretty`. `'auto'` uses it only when stdout is a TTY,
   * `NODE_ENV` is not `production` and `pino-pretty` is installed (an optional dependency).
   * @default 'auto'
   */
  readonly pretty?: boolean | 'auto';
  /**
   * Environment read for `POD_NAME` and `NODE_ENV`.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

const LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Whether `value` is a pino level name (`fatal` … `trace`, `silent`); use it to validate a
 * level coming from configuration.
 *
 * @example
 * ```ts
 * if (isLogLevel(cfg.log.level)) logger.level = cfg.log.level;
 * ```
 */
export function isLogLevel(value: unknown): value is LevelWithSilent {
  return typeof value === 'string' && LEVELS.includes(value);
}

/**
 * Adds `trace_id`/`span_id` of the active span and `request_id` of the request context to a
 * line. Returns a shared empty object when there is neither, so the common case allocates nothing.
 */
const EMPTY: Record<string, string> = Object.freeze({});
function contextMixin(): Record<string, string> {
  const ids = getTraceIds();
  const request = getRequestContext();
  if (ids === undefined && request === undefined) return EMPTY;
  const out: Record<string, string> = {};
  if (ids !== undefined) {
    out.trace_id = ids.traceId;
    out.span_id = ids.spanId;
  }
  if (request !== undefined) out.request_id = request.requestId;
  return out;
}

/** Merges the context fields under the logged object's own fields, skipping the empty case. */
function mergeMixin(mergeObject: object, mixinObject: object): object {
  return mixinObject === EMPTY ? mergeObject : Object.assign(mixinObject, mergeObject);
}

/**
 * Creates a pino logger that writes one JSON object per line: ISO-8601 `time`, `level` as a
 * word, `msg`, `service`, `version`, `pod`, `trace_id`/`span_id` inside an active span,
 * `request_id` inside a request context, and `err` serialized with `type`, `message`, `stack`
 * and `cause`. Sensitive keys and secret values are redacted. Use `logger.child({ component })`
 * for per-component loggers.
 *
 * @example
 * ```ts
 * const logger = createLogger({ service: { name: 'posts', version: '1.0.0' }, level: 'info' });
 * logger.child({ component: 'db' }).info({ pool: 10 }, 'connected');
 * logger.level = 'debug'; // at runtime
 * ```
 */
export function createLogger(options: LoggerOptions): Logger {
  const env = options.env ?? process.env;
  const level = options.level ?? 'info';
  if (!isLogLevel(level)) {
    throw new InvalidOptionError('level', `"${String(level)}" is not one of ${LEVELS.join(', ')}`);
  }
  const keys = keyRedactor([...DEFAULT_REDACT_KEYS, ...(options.redactKeys ?? [])]);
  const errSerializer = (err: unknown): unknown => keys.redactAny(pino.stdSerializers.errWithCause(err as Error));
  const paths = options.redactPaths ?? [];
  const destination = options.destination ?? defaultDestination(options, env);
  const logger = pino(
    {
      level,
      messageKey: 'msg',
      base: {
        service: options.service.name,
        version: options.service.version,
        pod: options.podName ?? env.POD_NAME ?? hostname(),
      },
      timestamp: createIsoTime(),
      formatters: {
        level: (label: string) => ({ level: label }),
        log: (object: Record<string, unknown>) => keys.redact(object),
      },
      serializers: { err: errSerializer, error: errSerializer },
      ...(paths.length > 0 ? { redact: { paths: [...paths], censor: REDACTED } } : {}),
      mixin: contextMixin,
      mixinMergeStrategy: mergeMixin,
      ...(options.redactValues ? { hooks: { streamWrite: valueRedactor(options.redactValues) } } : {}),
    },
    destination,
  );
  redactChildBindings(logger, keys.redact);
  return logger;
}

/**
 * pino applies `formatters.bindings` to the root's bindings only; child bindings
 * (`logger.child({ headers })`) would bypass redaction. Children are created with the parent as
 * prototype, so overriding `child` on the root covers every descendant.
 */
function redactChildBindings(logger: Logger, redact: <T>(value: T) => T): void {
  const proto = Object.getPrototypeOf(logger) as { child: (this: Logger, ...args: Parameters<Logger['child']>) => Logger };
  const original = proto.child;
  const child = function (this: Logger, bindings: Parameters<Logger['child']>[0], childOptions?: Parameters<Logger['child']>[1]) {
    return original.call(this, redact(bindings), childOptions);
  };
  logger.child = child as unknown as Logger['child'];
}

function defaultDestination(options: LoggerOptions, env: NodeJS.ProcessEnv): DestinationStream {
  const pretty = options.pretty ?? 'auto';
  // Never pretty in production, even when asked; silently JSON when pino-pretty is absent.
  const wantPretty = pretty !== false && prettyAvailable(env, pretty === 'auto' ? process.stdout.isTTY : true);
  if (wantPretty) return prettyDestination();
  if (options.async === true) return pino.destination({ dest: 1, sync: false });
  return options.buffer === false ? pino.destination({ dest: 1, sync: true }) : bufferedDestination();
}

/** Log levels by name, re-exported for convenience. */
export type { Level, LevelWithSilent };
