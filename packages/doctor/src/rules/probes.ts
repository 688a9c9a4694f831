import { at, num, obj, str, type JsonObject } from '../model/json.ts';
import type { PodkitContainer } from '../model/service.ts';
import { resolvePort } from '../model/workloads.ts';

/** The three probe kinds and their field names in a container. @internal */
export const PROBE_KINDS = [
  { kind: 'liveness', field: 'livenessProbe' },
  { kind: 'readiness', field: 'readinessProbe' },
  { kind: 'startup', field: 'startupProbe' },
] as const;

/** One probe kind. @internal */
export type ProbeKindName = (typeof PROBE_KINDS)[number]['kind'];

/** One probe of a container with its HTTP target resolved. @internal */
export interface ContainerProbe {
  readonly kind: ProbeKindName;
  readonly field: string;
  readonly probe: JsonObject;
  /** The `httpGet` path without its query, or `undefined` for a tcpSocket/exec/grpc probe. */
  readonly path: string | undefined;
  /** The port as written (`admin`, 9090). */
  readonly portSpec: unknown;
  /** The container port it targets, `undefined` for an unknown port name or no httpGet. */
  readonly port: number | undefined;
}

/** The container's probes that are set. @internal */
export function containerProbes(c: PodkitContainer): ContainerProbe[] {
  const out: ContainerProbe[] = [];
  for (const { kind, field } of PROBE_KINDS) {
    const probe = obj(c.container[field]);
    if (probe === undefined) continue;
    const http = obj(probe['httpGet']);
    const rawPath = str(http?.['path']) ?? (http === undefined ? undefined : '/');
    out.push({
      kind,
      field: `${c.path}.${field}`,
      probe,
      path: rawPath?.split('?')[0],
      portSpec: http?.['port'],
      port: http === undefined ? undefined : resolvePort(c.container, http['port']),
    });
  }
  return out;
}

/** Kubernetes' defaults of a probe's timing fields. @internal */
export function timing(probe: JsonObject): { periodSeconds: number; timeoutSeconds: number; failureThreshold: number } {
  return {
    periodSeconds: num(at(probe, 'periodSeconds')) ?? 10,
    timeoutSeconds: num(at(probe, 'timeoutSeconds')) ?? 1,
    failureThreshold: num(at(probe, 'failureThreshold')) ?? 3,
  };
}

/** The port podkit serves the probes and /metrics on. @internal */
export function probePort(c: PodkitContainer): { value: number; from: string; admin: boolean } {
  return c.adminPort === undefined ? { ...c.port, admin: false } : { ...c.adminPort, admin: true };
}

/** Whether two probes hit the same endpoint (path and port). @internal */
export function sameEndpoint(a: ContainerProbe | undefined, b: ContainerProbe | undefined): boolean {
  return a?.path !== undefined && b?.path !== undefined && a.path === b.path && a.port === b.port && a.port !== undefined;
}
