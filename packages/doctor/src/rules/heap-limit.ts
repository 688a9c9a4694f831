import { arr, at, str } from '../model/json.ts';
import { mib, parseQuantity } from '../model/quantity.ts';
import type { DoctorRule, RuleHit } from '../rule.ts';

const FLAG = /--max[-_]old[-_]space[-_]size[=\s]+(\d+)/;

/** Share of the memory limit the old space may take before the rest (young generation, code, buffers, native) is squeezed. @internal */
export const HEAP_SHARE_WARNING = 0.75;

/** A `--max-old-space-size` that does not fit the memory limit. */
export const heapLimitRule: DoctorRule = {
  id: 'heap-limit',
  title: 'the heap Node.js may grow to fits the memory limit',
  why:
    'Without --max-old-space-size, Node.js (20 and later) sizes the old space from the cgroup memory limit (about a quarter of ' +
    'it, at most 4 GiB on 64-bit). A --max-old-space-size in NODE_OPTIONS or the command line overrides that: if the heap may ' +
    'grow to the limit, the kernel OOM-kills the container (exit 137, no log line, no graceful shutdown) before V8 collects ' +
    'garbage harder or reports heap exhaustion. The young generation, code, Buffers and native memory live outside the old space.',
  fix: `Lower --max-old-space-size (in MiB) to at most ${String(HEAP_SHARE_WARNING * 100)} % of the memory limit, or raise the limit.`,
  settings: [],
  check({ containers }) {
    const hits: RuleHit[] = [];
    for (const c of containers) {
      const limitBytes = parseQuantity(at(c.container, 'resources', 'limits', 'memory'));
      if (limitBytes === undefined) continue;
      const places: { text: string; field: string }[] = [];
      const nodeOptions = c.env.get('NODE_OPTIONS');
      if (nodeOptions?.value !== undefined) places.push({ text: nodeOptions.value, field: `${nodeOptions.path}.value` });
      for (const key of ['command', 'args'] as const) {
        const words = arr(c.container[key]).map((w) => str(w) ?? '');
        if (words.length > 0) places.push({ text: words.join(' '), field: `${c.path}.${key}` });
      }
      for (const { text, field } of places) {
        const m = FLAG.exec(text);
        if (m === null) continue;
        const heapBytes = Number(m[1]) * 2 ** 20;
        const base = { object: c.workload, container: c.name, field };
        if (heapBytes >= limitBytes) {
          hits.push({ ...base, severity: 'error', message: `--max-old-space-size=${m[1]!} lets the heap grow to ${mib(heapBytes)}, at or above the memory limit of ${mib(limitBytes)}: the container is OOM-killed first` });
        } else if (heapBytes > limitBytes * HEAP_SHARE_WARNING) {
          hits.push({
            ...base,
            severity: 'warning',
            message: `--max-old-space-size=${m[1]!} (${mib(heapBytes)}) leaves less than ${String(100 - HEAP_SHARE_WARNING * 100)} % of the ${mib(limitBytes)} limit for everything outside the old space`,
          });
        }
      }
    }
    return hits;
  },
};
