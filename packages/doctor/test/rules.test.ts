/**
 * One fixture per rule: fixtures/good.yaml passes every rule, and each fixtures/bad/<rule>.yaml
 * (good.yaml with one change) gets exactly the findings listed here, from that rule only.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_RULES } from '@podkit/doctor';
import { describe, expect, it } from 'vitest';
import { check, fixturesDir, type Short } from './helpers.ts';

const quotes = { object: 'Deployment/shop/quotes', container: 'quotes' };
const c0 = 'spec.template.spec.containers[0]';

const EXPECTED: Readonly<Record<string, readonly Short[]>> = {
  'grace-period': [
    {
      rule: 'grace-period',
      severity: 'error',
      ...quotes,
      field: 'spec.template.spec.terminationGracePeriodSeconds',
      message: 'podkit plans its shutdown for 30 s (env PODKIT_GRACE_PERIOD_SECONDS) but SIGKILL comes 20 s after SIGTERM',
    },
  ],
  'prestop-sleep': [
    {
      rule: 'prestop-sleep',
      severity: 'warning',
      ...quotes,
      field: `${c0}.lifecycle.preStop`,
      message: 'preStop sleeps 5 s and podkit then waits its 5 s propagation delay: the wait is counted twice',
    },
  ],
  'probe-target': [
    {
      rule: 'probe-target',
      severity: 'error',
      ...quotes,
      field: `${c0}.readinessProbe.httpGet.port`,
      message: 'the readiness probe targets port 8080, the main port, which answers 404 for probes because podkit serves them on the admin port 9090 (config admin.port from env ADMIN_PORT)',
    },
  ],
  'probe-timing': [
    {
      rule: 'probe-timing',
      severity: 'warning',
      ...quotes,
      field: `${c0}.readinessProbe.periodSeconds`,
      message: 'readiness is polled every 1 s, faster than podkit refreshes its checks (every 5 s)',
    },
  ],
  'probe-same-endpoint': [
    {
      rule: 'probe-same-endpoint',
      severity: 'error',
      ...quotes,
      field: `${c0}.livenessProbe.httpGet`,
      message: 'livenessProbe and readinessProbe both request /ready on port 9090',
    },
  ],
  'reload-subpath': [
    {
      rule: 'reload-subpath',
      severity: 'error',
      ...quotes,
      field: `${c0}.volumeMounts[0].subPath`,
      message: '/etc/config/log.level is mounted with subPath, so the reloadable key log.level will never reload',
    },
  ],
  'reload-env-override': [
    {
      rule: 'reload-env-override',
      severity: 'error',
      ...quotes,
      field: `${c0}.env[3]`,
      message: 'the reloadable key log.level is set by the env var LOG_LEVEL: it will never reload',
    },
  ],
  'service-links': [
    {
      rule: 'service-links',
      severity: 'error',
      ...quotes,
      field: 'spec.template.spec.enableServiceLinks',
      message: 'the Service database injects DATABASE_PORT, which the config reads as database.port',
    },
  ],
  'probes-public': [
    {
      rule: 'probes-public',
      severity: 'error',
      object: 'Ingress/shop/quotes',
      container: undefined,
      field: 'spec.rules[0].http.paths[0].backend',
      message: 'routes to the Service quotes, port 9090: the admin port of quotes (probes and /metrics)',
    },
  ],
  'memory-resources': [
    { rule: 'memory-resources', severity: 'warning', ...quotes, field: `${c0}.resources.requests.memory`, message: 'no memory request' },
  ],
  'heap-limit': [
    {
      rule: 'heap-limit',
      severity: 'error',
      ...quotes,
      field: `${c0}.env[2].value`,
      message: '--max-old-space-size=256 (256 MiB) is at or above the memory limit of 256 MiB: the container is OOM-killed before the heap is full',
    },
  ],
  'pdb-drain': [
    {
      rule: 'pdb-drain',
      severity: 'error',
      object: 'PodDisruptionBudget/shop/quotes',
      container: undefined,
      field: 'spec.maxUnavailable',
      message: 'maxUnavailable 0 never allows an eviction of quotes',
    },
    {
      rule: 'pdb-drain',
      severity: 'warning',
      object: 'PodDisruptionBudget/shop/quotes',
      container: undefined,
      field: 'spec.unhealthyPodEvictionPolicy',
      message: 'unhealthyPodEvictionPolicy is unset (IfHealthyBudget): crash-looping quotes pods can block a node drain',
    },
  ],
};

describe('rule fixtures', () => {
  it('good.yaml passes every rule', () => {
    expect(check('good.yaml')).toEqual([]);
  });

  it('every rule has a bad fixture and an expectation, and every fixture a rule', () => {
    const ids = ALL_RULES.map((r) => r.id).sort();
    expect(Object.keys(EXPECTED).sort()).toEqual(ids);
    expect(readdirSync(join(fixturesDir, 'bad')).map((f) => f.replace(/\.yaml$/, '')).sort()).toEqual(ids);
  });

  it.each(Object.entries(EXPECTED))('bad/%s.yaml gets exactly its findings', (rule, expected) => {
    expect(check(`bad/${rule}.yaml`)).toEqual(expected);
  });

  it('each rule describes itself: id, title, why, fix, settings', () => {
    for (const rule of ALL_RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(rule.title.length).toBeGreaterThan(10);
      expect(rule.why.length).toBeGreaterThan(40);
      expect(rule.fix.length).toBeGreaterThan(20);
      expect(Array.isArray(rule.settings)).toBe(true);
    }
  });
});
