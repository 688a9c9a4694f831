import { InvalidOptionError } from '../errors.ts';
import type { DiagnosticsProcess, DiagnosticsSignal } from './types.ts';

const ALLOWED: readonly string[] = ['SIGUSR2', 'SIGHUP'];

/** Node's own signal-triggered diagnostics, read from the flags and `NODE_OPTIONS`. @internal */
function nodeSignalFlags(proc: DiagnosticsProcess): { heapsnapshot?: string; report?: string } {
  const args = [...proc.execArgv, ...(proc.env.NODE_OPTIONS ?? '').split(/\s+/).filter((a) => a !== '')];
  const out: { heapsnapshot?: string; report?: string } = {};
  let reportSignal = 'SIGUSR2';
  let reportOnSignal = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    const value = (): string | undefined => inline ?? args[i + 1];
    if (flag === '--heapsnapshot-signal') out.heapsnapshot = value();
    else if (flag === '--report-on-signal') reportOnSignal = true;
    else if (flag === '--report-signal') reportSignal = value() ?? reportSignal;
  }
  if (reportOnSignal) out.report = reportSignal;
  if (proc.report?.reportOnSignal === true) out.report = proc.report.signal;
  return out;
}

/**
 * Validates the configured signal: one of {@link DiagnosticsSignal}, and not one Node.js itself
 * already answers with a diagnostic (`--heapsnapshot-signal`, `--report-on-signal`), where both
 * would write a file on every signal.
 * @internal
 */
export function checkSignal(signal: unknown, proc: DiagnosticsProcess): DiagnosticsSignal | undefined {
  if (signal === undefined || signal === false) return undefined;
  if (typeof signal !== 'string' || !ALLOWED.includes(signal)) {
    const why = signal === 'SIGUSR1' ? ' (SIGUSR1 starts the Node.js inspector)' : '';
    throw new InvalidOptionError('signal', `expected ${ALLOWED.map((s) => `'${s}'`).join(' or ')} or false, got ${JSON.stringify(signal)}${why}`);
  }
  const flags = nodeSignalFlags(proc);
  if (flags.heapsnapshot === signal) {
    throw new InvalidOptionError('signal', `${signal} is already Node's --heapsnapshot-signal; drop the flag or pick another signal`);
  }
  if (flags.report === signal) {
    throw new InvalidOptionError('signal', `${signal} already makes Node write a report (--report-on-signal); drop the flag or pick another signal`);
  }
  return signal as DiagnosticsSignal;
}
