// What the benchmark ran on: date, Node, CPU model, cores, load. Printed in the table header so a
// figure is never read without its machine.
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

/** The machine and the moment of a run. */
export interface MachineInfo {
  /** ISO-8601 start time. */
  readonly date: string;
  readonly node: string;
  readonly cpuModel: string;
  /** Logical cores Node sees. */
  readonly cores: number;
  readonly memoryGiB: number;
  /** Whether `taskset` is available (servers and load generators pinned to separate cores). */
  readonly taskset: boolean;
  /** 1-minute load average when the run started. */
  readonly loadAtStart: number;
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Reads the machine's description. */
export function describeMachine(): MachineInfo {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    taskset: hasTaskset(),
    loadAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
}

/**
 * A one-line verdict on how trustworthy the figures are. Judged on the load average before the run
 * (the load at the end includes the benchmark's own servers and load generators): above a quarter
 * of the cores means other processes were competing for the CPU.
 */
export function noiseNote(machine: MachineInfo, loadAtEnd: number, extra: string | undefined): string | undefined {
  const busy = machine.loadAtStart > machine.cores * 0.25;
  const parts: string[] = [];
  if (busy) {
    parts.push(
      `the machine was shared: 1-minute load average ${machine.loadAtStart} on ${machine.cores} cores before the run ` +
        `(${loadAtEnd} at the end, the benchmark's own processes included), so throughput and latency figures are noisy; ` +
        'CPU-per-call figures are the steadier ones',
    );
  }
  if (extra) parts.push(extra);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** Restores this process's CPU affinity to every core (a benchmark may pin it to one). */
export function unpin(machine: MachineInfo): void {
  if (!machine.taskset || machine.cores < 2) return;
  try {
    execFileSync('taskset', ['-cp', `0-${machine.cores - 1}`, String(process.pid)], { stdio: 'ignore' });
  } catch {
    // affinity could not be restored; later figures are still valid, just less parallel
  }
}
