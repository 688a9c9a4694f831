// Renders the summary: a header naming the machine, then one Markdown table of every row.
import type { MachineInfo } from './machine.ts';
import type { Row } from './rows.ts';

/** How one benchmark module's run went. */
export interface BenchOutcome {
  readonly bench: string;
  readonly seconds: number;
  /** `ok`, `skipped: ...` or `failed: ...`. */
  readonly status: string;
}

const COLUMNS: ReadonlyArray<[keyof Row, string]> = [
  ['bench', 'benchmark'],
  ['subject', 'case'],
  ['throughput', 'throughput'],
  ['p50', 'p50'],
  ['p99', 'p99'],
  ['cost', 'per-call cost'],
  ['vsBaseline', 'vs bare baseline (same run)'],
  ['target', 'target'],
  ['met', 'met'],
];

const cell = (value: string | undefined): string => (value ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ');

/** The Markdown table of `rows`. */
export function renderTable(rows: readonly Row[]): string {
  const head = `| ${COLUMNS.map(([, label]) => label).join(' | ')} |`;
  const rule = `|${COLUMNS.map(() => '---').join('|')}|`;
  const body = rows.map((row) => `| ${COLUMNS.map(([key]) => cell(row[key])).join(' | ')} |`);
  return [head, rule, ...body].join('\n');
}

/** The whole report: title, machine, noise note, the table, and how each module ran. */
export function renderReport(
  machine: MachineInfo,
  rows: readonly Row[],
  outcomes: readonly BenchOutcome[],
  note: string | undefined,
  totalSeconds: number,
): string {
  const lines = [
    '# podkit benchmarks: latest run',
    '',
    `- date: ${machine.date}`,
    `- machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM`,
    `- Node: ${machine.node}`,
    `- pinning: ${machine.taskset ? 'servers and load generators on separate cores (taskset)' : 'NOT pinned (taskset missing)'}`,
    `- total time: ${Math.round(totalSeconds)} s (\`npm run bench\`)`,
  ];
  if (note) lines.push(`- **note:** ${note}`);
  lines.push('', renderTable(rows), '', '| module | status | seconds |', '|---|---|---|');
  for (const o of outcomes) lines.push(`| ${o.bench} | ${cell(o.status)} | ${Math.round(o.seconds)} |`);
  lines.push(
    '',
    'Ratios compare with the bare baseline measured in the same run (bare `node:http`, bare undici',
    '`Pool.request`, bare pino / prom-client), so they hold across machines better than absolute figures.',
    'See `bench/README.md` for what each case measures.',
    '',
  );
  return lines.join('\n');
}
