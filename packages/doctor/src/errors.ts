/**
 * Base class of every error thrown by `@podkit/doctor`. Each subclass carries a stable `code`
 * (`ERR_PODKIT_DOCTOR_*`); messages may change between versions, codes do not.
 *
 * Findings about manifests are not errors: they are returned in the {@link DoctorReport}. These
 * errors mean the doctor could not run (unreadable input, a bad option, a config module that
 * does not load).
 *
 * @example
 * ```ts
 * try { await doctor({ manifests }); }
 * catch (err) { if (isDoctorError(err)) console.error(err.code, err.message); else throw err; }
 * ```
 */
export class DoctorError extends Error {
  /** Stable machine-readable error code, e.g. `ERR_PODKIT_DOCTOR_INPUT`. */
  readonly code: string;

  /**
   * @param code - stable error code
   * @param message - human-readable message
   * @param options - standard `ErrorOptions` (e.g. `cause`)
   */
  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A manifest source could not be read or parsed: a missing file, a YAML syntax error, a
 * document that is not a Kubernetes object. The message names the source and the reason.
 */
export class DoctorInputError extends DoctorError {
  /** The file, directory or `<stdin>` that failed. */
  readonly source: string;

  /**
   * @param source - the file, directory or `<stdin>`
   * @param reason - what is wrong with it
   * @param options - standard `ErrorOptions`
   */
  constructor(source: string, reason: string, options?: ErrorOptions) {
    super('ERR_PODKIT_DOCTOR_INPUT', `${source}: ${reason}`, options);
    this.source = source;
  }
}

/** An option of the doctor (or a command-line flag) is invalid; the message names it and why. */
export class DoctorOptionError extends DoctorError {
  /** The option or flag, e.g. `--admin-port`. */
  readonly option: string;

  /**
   * @param option - the option or flag
   * @param reason - what is wrong with its value
   */
  constructor(option: string, reason: string) {
    super('ERR_PODKIT_DOCTOR_OPTION', `${option}: ${reason}`);
    this.option = option;
  }
}

/** A config definition module could not be loaded or exports no podkit config definition. */
export class DoctorConfigModuleError extends DoctorError {
  /** The module path as given. */
  readonly module: string;

  /**
   * @param module - the module path as given
   * @param reason - why it could not be used
   * @param options - standard `ErrorOptions` (the import error as `cause`)
   */
  constructor(module: string, reason: string, options?: ErrorOptions) {
    super('ERR_PODKIT_DOCTOR_CONFIG_MODULE', `config module ${module}: ${reason}`, options);
    this.module = module;
  }
}

/** Thrown on import when the running Node.js is older than `@podkit/doctor` supports. */
export class DoctorNodeVersionError extends DoctorError {
  /** The oldest supported Node.js version, e.g. `22.12.0`. */
  readonly required: string;
  /** The running Node.js version, e.g. `20.20.2`. */
  readonly running: string;

  /**
   * @param required - the oldest supported version (`major.minor.patch`)
   * @param running - `process.versions.node`
   */
  constructor(required: string, running: string) {
    super('ERR_PODKIT_DOCTOR_NODE_VERSION', `@podkit/doctor requires Node.js >= ${required} (running v${running}); upgrade Node.js`);
    this.required = required;
    this.running = running;
  }
}

/** Whether `value` is one of `@podkit/doctor`'s errors (works across copies of the package). */
export function isDoctorError(value: unknown): value is DoctorError {
  const code: unknown = value instanceof Error ? (value as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PODKIT_DOCTOR_');
}
