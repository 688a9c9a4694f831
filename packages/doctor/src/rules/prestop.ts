import { arr, at, num, str } from '../model/json.ts';
import type { PodContainer } from '../model/workloads.ts';

/** Seconds a container's `preStop` hook sleeps (a `sleep` action or an exec `sleep N`), 0 without one. @internal */
export function preStopSeconds(c: PodContainer): number {
  const preStop = at(c.container, 'lifecycle', 'preStop');
  const action = num(at(preStop, 'sleep', 'seconds'));
  if (action !== undefined) return action;
  const command = arr(at(preStop, 'exec', 'command')).map((p) => str(p) ?? '').join(' ');
  const m = /(?:^|[\s;&|/])sleep\s+(\d+(?:\.\d+)?)s?\b/.exec(command);
  return m === null ? 0 : Number(m[1]);
}
