import { arr, at, str } from '../model/json.ts';
import { mib, parseQuantity } from '../model/quantity.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';

const FLAG = /--max[-_]old[-_]space[-_]size[=\s]+(\d+)/;

/** Share of the memory limit the heap may take before the rest (code, Buffers, native memory) is squeezed. @internal */
export const HEAP_SHARE_WARNING = 0.75;

/**
 * The heap limit (`v8.getHeapStatistics().heap_size_limit`) Node.js picks by itself under a
 * cgroup memory limit, measured with Node 24.21 (docs/doctor.md gives the command): 259 MiB up to a 512 MiB limit, then about 54.7 % of the limit
 * (560 MiB at 1 GiB, 1120 MiB at 2 GiB, 2240 MiB at 4 GiB), at most 4288 MiB. @internal
 */
export function defaultHeapLimitBytes(memoryLimitBytes: number): number {
  return Math.min(4288 * 2 ** 20, Math.max(259 * 2 ** 20, Math.round(memoryLimitBytes * 0.547)));
}

/** A `--max-old-space-size` that does not fit the memory limit. */
export const heapLimitRule: DoctorRule = {
  id: 'heap-limit',
  title: 'the heap Node.js may grow to fits the memory limit',
  why:
    'Without --max-old-space-size, Node.js sizes its heap from the cgroup memory limit: about 55 % of it, but never below ' +
    '259 MiB (measured on Node 24), so under a limit of 256 MiB or so the heap may outgrow the container. --max-old-space-size ' +
    'in NODE_OPTIONS or the command line overrides that. If the heap may grow to the limit, the kernel OOM-kills the container ' +
    '(exit 137, no log line, no graceful shutdown) before V8 collects garbage harder or reports heap exhaustion; code, Buffers ' +
    'and native memory need room outside the heap too.',
  fix: `Set --max-old-space-size (MiB, in NODE_OPTIONS) to at most ${String(HEAP_SHARE_WARNING * 100)} % of the memory limit, or raise the limit.`,
  settings: [],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      const limitBytes = parseQuantity(at(c.container, 'resources', 'limits', 'memory'));
      if (limitBytes === undefined) continue;
      // A flag on the command line wins over NODE_OPTIONS.
      const places: { text: string; field: string }[] = [];
      for (const key of ['command', 'args'] as const) {
        const words = arr(c.container[key]).map((w) => str(w) ?? '');
        if (words.length > 0) places.push({ text: words.join(' '), field: `${c.path}.${key}` });
      }
      const nodeOptions = c.env.get('NODE_OPTIONS');
      if (nodeOptions?.value !== undefined) places.push({ text: nodeOptions.value, field: `${nodeOptions.path}.value` });
      const flagged = places.map((p) => ({ ...p, m: FLAG.exec(p.text) })).find((p) => p.m !== null);
      const heapBytes = flagged === undefined ? defaultHeapLimitBytes(limitBytes) : Number(flagged.m![1]) * 2 ** 20;
      const what = flagged === undefined ? `Node.js's default heap limit under this limit (${mib(heapBytes)})` : `--max-old-space-size=${flagged.m![1]!} (${mib(heapBytes)})`;
      const base = { object: c.workload, container: c.name, field: flagged?.field ?? `${c.path}.resources.limits.memory` };
      if (heapBytes >= limitBytes) {
        hits.push({ ...base, severity: 'error', message: `${what} is at or above the memory limit of ${mib(limitBytes)}: the container is OOM-killed before the heap is full` });
      } else if (heapBytes > limitBytes * HEAP_SHARE_WARNING) {
        hits.push({ ...base, severity: 'warning', message: `${what} leaves less than ${String(100 - HEAP_SHARE_WARNING * 100)} % of the ${mib(limitBytes)} memory limit for everything outside the heap` });
      }
    }
    return hits;
  },
};
