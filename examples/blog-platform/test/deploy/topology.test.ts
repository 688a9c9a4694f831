/**
 * The deployment's table (deploy/platform.ts: ports, who calls whom, who uses PostgreSQL and
 * Redis) matches the code it deploys, so the NetworkPolicies and ConfigMaps generated or checked
 * from that table describe the real platform: the call graph the local launcher uses, the
 * podkit clients each service creates, the stores each one opens.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES } from '../../deploy/platform.ts';
import { DEFAULT_ADMIN_PORTS, DEFAULT_PORTS } from '../../src/shared/config.ts';
import { DEPENDENCIES, FIXED_ADMIN_PORTS, FIXED_PORTS } from '../../src/platform/services.ts';
import { exampleDir } from './load.ts';

function source(name: string): string {
  return readFileSync(path.join(exampleDir, 'src', name, 'service.ts'), 'utf8');
}

describe('deploy/platform.ts matches the services', () => {
  it('same services, same ports and admin ports as the local launcher and the config defaults', () => {
    expect(Object.fromEntries(SERVICES.map((s) => [s.name, s.port]))).toEqual({ ...FIXED_PORTS });
    expect(Object.fromEntries(SERVICES.map((s) => [s.name, s.adminPort]))).toEqual({ ...FIXED_ADMIN_PORTS });
    expect({ ...DEFAULT_PORTS }).toEqual({ ...FIXED_PORTS });
    expect({ ...DEFAULT_ADMIN_PORTS }).toEqual({ ...FIXED_ADMIN_PORTS });
    // No admin port equals any public port (npm start runs all ten on one host).
    const all = [...SERVICES.map((s) => s.port), ...SERVICES.map((s) => s.adminPort)];
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(SERVICES.map((s) => [s.name, s] as const))('%s: calls, database and cache as in its code', (name, svc) => {
    expect([...svc.calls].sort()).toEqual([...DEPENDENCIES[name]].sort());
    const code = source(name);
    const clients = [...code.matchAll(/client\('([a-z]+)'/g)].map((m) => m[1]);
    expect([...new Set(clients)].sort(), 'podkit clients created in service.ts').toEqual([...svc.calls].sort());
    expect(/\bopenDatabase\(/.test(code), 'opens the database').toBe(svc.usesPostgres);
    expect(/\bopenCache\(/.test(code), 'opens the cache').toBe(svc.usesRedis);
  });
});
