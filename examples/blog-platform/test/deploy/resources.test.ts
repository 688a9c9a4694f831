/**
 * Resource requests follow the measured memory (deploy/MEASUREMENTS.md): each service's memory
 * request is at least its measured peak RSS and leaves the HPA's 80 % memory target above that
 * peak; the manifests carry exactly the figures the measurements document.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../deploy/platform.ts';
import { deployDir, find, loadBase, podSpec } from './load.ts';

const base = loadBase();
const doc = readFileSync(path.join(deployDir, 'MEASUREMENTS.md'), 'utf8');
const table = doc.slice(doc.indexOf('<!-- machine-read'));
const rows = new Map(
  [...table.matchAll(/^\| ([\w-]+) \| ([\d.]+) \| (\S+) \| (\S+) \| (\S+) \| (\S+) \|$/gm)].map((m) => [
    m[1]!,
    { peakMiB: Number(m[2]), request: m[3]!, limit: m[4]!, cpuRequest: m[5]!, cpuLimit: m[6]! },
  ]),
);

function mib(quantity: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (m === null) throw new Error(`unsupported memory quantity ${quantity}`);
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1);
}

describe.each(SERVICES.map((s) => [s.name] as const))('resources of %s', (name) => {
  it('match MEASUREMENTS.md and sit above the measured peak with the HPA target\'s headroom', () => {
    const measured = rows.get(name);
    expect(measured, `${name} row in MEASUREMENTS.md`).toBeDefined();
    const hpa = find(base, 'HorizontalPodAutoscaler', name);
    const memoryTarget = hpa.spec.metrics.find((m: { resource: { name: string } }) => m.resource.name === 'memory').resource.target.averageUtilization as number;
    const { resources } = podSpec(find(base, 'Deployment', name)).containers[0];
    expect(resources).toEqual({
      requests: { cpu: measured!.cpuRequest, memory: measured!.request },
      limits: { cpu: measured!.cpuLimit, memory: measured!.limit },
    });
    expect(mib(resources.requests.memory)).toBeGreaterThanOrEqual(measured!.peakMiB);
    expect(mib(resources.requests.memory) * (memoryTarget / 100)).toBeGreaterThanOrEqual(measured!.peakMiB);
    expect(mib(resources.limits.memory)).toBeGreaterThan(mib(resources.requests.memory));
  });
});
