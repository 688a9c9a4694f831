import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { doctor } from './doctor.ts';
import { DoctorOptionError, isDoctorError } from './errors.ts';
import { formatReport, formatReportJson } from './format.ts';
import { loadDefinitionModule } from './definition-module.ts';
import type { DefinitionLike } from './model/definition.ts';
import { parseManifests, readManifestPaths, type ManifestObject } from './model/manifests.ts';
import { ALL_RULES } from './rules/all.ts';

/** Where the CLI reads and writes (the process's streams in `bin`, buffers in tests). */
export interface CliIo {
  /** Reads all of stdin (for the path `-`). */
  readonly readStdin: () => Promise<string>;
  /** Writes to stdout. */
  readonly stdout: (text: string) => void;
  /** Writes to stderr. */
  readonly stderr: (text: string) => void;
  /** Base of relative paths. */
  readonly cwd: string;
}

/** Exit codes of `podkit doctor`: no error findings, error findings, the doctor could not run. */
export const EXIT_CODES: { readonly ok: 0; readonly findings: 1; readonly usage: 2 } = Object.freeze({ ok: 0, findings: 1, usage: 2 });

const USAGE = `Usage: podkit doctor [options] <file|dir|->...

Checks rendered Kubernetes manifests against the podkit service's own settings.
  kubectl kustomize deploy/overlays/prod | podkit doctor --config src/config.ts -

Options:
  --config [workload=]module[#export]  the service's config module (repeat per workload)
  --workload name         a workload (or container) running podkit (repeat); default: containers with PODKIT_* env
  --port n                main port of serve() (default: config key "port", else 8080)
  --admin-port n|none     admin port of serve() (default: config key "admin.port"/"adminPort", else none)
  --port-key key, --admin-port-key key, --grace-period-key key   config keys holding those settings
  --check-interval ms     health check interval (default 5000)
  --check-timeout ms      health check timeout (default 2000)
  --propagation-delay ms  shutdown propagation delay passed to podkit (default 5000 in a pod)
  --skip rule             do not run a rule (repeat)
  --strict                warnings fail too
  --json                  JSON output
  --list-rules            list the rules and exit
  -h, --help              this help

Exit codes: 0 no errors, 1 errors found, 2 the doctor could not run (bad option or input).
`;

function integer(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new DoctorOptionError(flag, `expected a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

async function definitions(specs: readonly string[], cwd: string): Promise<DefinitionLike | Record<string, DefinitionLike> | undefined> {
  if (specs.length === 0) return undefined;
  const named: Record<string, DefinitionLike> = {};
  for (const spec of specs) {
    const m = /^(?:([\w.-]+|\*)=)?([^#]+)(?:#(.+))?$/.exec(spec);
    if (m === null) throw new DoctorOptionError('--config', `expected [workload=]module[#export], got ${JSON.stringify(spec)}`);
    const definition = await loadDefinitionModule(m[2]!, m[3], cwd);
    if (m[1] === undefined && specs.length === 1) return definition;
    if (m[1] === undefined) throw new DoctorOptionError('--config', `name the workload of each module when there are several (${spec})`);
    named[m[1]] = definition;
  }
  return named;
}

/**
 * Runs `podkit <args>` (the `doctor` subcommand) and resolves to the exit code; never calls
 * `process.exit`. Findings go to stdout (human or `--json`), problems running to stderr.
 *
 * @example
 * ```ts
 * const code = await runCli(['doctor', '--json', 'deploy/'], { readStdin, stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), cwd: process.cwd() });
 * ```
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === '-h' || command === '--help') {
    io.stdout(USAGE);
    return command === undefined ? EXIT_CODES.usage : EXIT_CODES.ok;
  }
  if (command !== 'doctor') {
    io.stderr(`podkit: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    return EXIT_CODES.usage;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', multiple: true },
        workload: { type: 'string', multiple: true },
        port: { type: 'string' },
        'admin-port': { type: 'string' },
        'port-key': { type: 'string' },
        'admin-port-key': { type: 'string' },
        'grace-period-key': { type: 'string' },
        'check-interval': { type: 'string' },
        'check-timeout': { type: 'string' },
        'propagation-delay': { type: 'string' },
        skip: { type: 'string', multiple: true },
        strict: { type: 'boolean' },
        json: { type: 'boolean' },
        'list-rules': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help === true) {
      io.stdout(USAGE);
      return EXIT_CODES.ok;
    }
    if (values['list-rules'] === true) {
      io.stdout(ALL_RULES.map((r) => `${r.id}: ${r.title}\n`).join(''));
      return EXIT_CODES.ok;
    }
    if (positionals.length === 0) throw new DoctorOptionError('<file|dir|->', 'name at least one manifest file or directory, or - for stdin');
    const objects: ManifestObject[] = [];
    const files = positionals.filter((p) => p !== '-');
    if (positionals.includes('-')) objects.push(...parseManifests(await io.readStdin(), '<stdin>'));
    objects.push(...readManifestPaths(files.map((f) => resolve(io.cwd, f))));
    const adminPort = values['admin-port'] === 'none' ? false : integer('--admin-port', values['admin-port']);
    const propagationDelayMs = integer('--propagation-delay', values['propagation-delay']);
    const report = doctor({
      objects,
      definitions: await definitions(values.config ?? [], io.cwd),
      ...(values.workload === undefined ? {} : { workloads: values.workload }),
      ...(values.skip === undefined ? {} : { skip: values.skip }),
      ...(values.port === undefined ? {} : { port: integer('--port', values.port)! }),
      ...(adminPort === undefined ? {} : { adminPort }),
      ...(values['port-key'] === undefined ? {} : { portKey: values['port-key'] }),
      ...(values['admin-port-key'] === undefined ? {} : { adminPortKey: values['admin-port-key'] }),
      ...(values['grace-period-key'] === undefined ? {} : { gracePeriodKey: values['grace-period-key'] }),
      ...(values['check-interval'] === undefined ? {} : { checkIntervalMs: integer('--check-interval', values['check-interval'])! }),
      ...(values['check-timeout'] === undefined ? {} : { checkTimeoutMs: integer('--check-timeout', values['check-timeout'])! }),
      ...(propagationDelayMs === undefined ? {} : { shutdown: { propagationDelayMs } }),
    });
    io.stdout(values.json === true ? formatReportJson(report) : formatReport(report));
    const failing = report.counts.error + (values.strict === true ? report.counts.warning : 0);
    return failing > 0 ? EXIT_CODES.findings : EXIT_CODES.ok;
  } catch (error) {
    if (isDoctorError(error)) {
      io.stderr(`podkit doctor: ${error.message} (${error.code})\n`);
      return EXIT_CODES.usage;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') === true) {
      io.stderr(`podkit doctor: ${error.message}\n\n${USAGE}`);
      return EXIT_CODES.usage;
    }
    throw error;
  }
}
