/**
 * The monitoring configuration, checked with the real tools: `promtool check config`,
 * `promtool check rules`, `promtool test rules` (each alert fires on a series that should fire
 * it and stays silent on one that should not), and a mutation check proving those unit tests
 * would catch a wrong threshold. Skips with a message when promtool is missing, unless
 * PODKIT_REQUIRE_PROMTOOL=1 (set by .ci/run).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SERVICES } from '../../deploy/platform.ts';
import type { Json } from './load.ts';
import { find, loadBase } from './load.ts';
import { monitoringDir, shippedConfig, staticVariant } from './prometheus-config.ts';

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
const hasPromtool = promtool.status === 0;
const required = process.env['PODKIT_REQUIRE_PROMTOOL'] === '1';
const scratch = mkdtempSync(path.join(tmpdir(), 'blog-promtool-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: string[], cwd = monitoringDir): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const rules = parse(readFileSync(path.join(monitoringDir, 'alerts.yml'), 'utf8'));
const alertNames: string[] = rules.groups.flatMap((g: Json) => g.rules.map((r: Json) => r.alert)).filter(Boolean);

it('promtool is installed (required in CI)', () => {
  if (!hasPromtool) {
    if (required) throw new Error('promtool not found but PODKIT_REQUIRE_PROMTOOL=1: apt-get install prometheus');
    console.warn('SKIPPED promtool checks: promtool not installed (apt-get install prometheus)');
  }
  expect(hasPromtool || !required).toBe(true);
});

describe('Prometheus configuration (shape)', () => {
  it('discovers pods of namespace blog-platform by annotation and scrapes their admin port, with the relabeling the manifests rely on', () => {
    const config = shippedConfig();
    const job = config.scrape_configs.find((j: Json) => j.job_name === 'blog-platform-pods');
    expect(job.kubernetes_sd_configs).toEqual([{ role: 'pod', namespaces: { names: ['blog-platform'] } }]);
    const sources = job.relabel_configs.map((r: Json) => (r.source_labels ?? []).join(','));
    expect(sources).toContain('__meta_kubernetes_pod_annotation_prometheus_io_scrape');
    expect(sources).toContain('__meta_kubernetes_pod_annotation_prometheus_io_path');
    // One target per pod: its container port named `admin` (the public port is never scraped).
    expect(job.relabel_configs).toContainEqual({ source_labels: ['__meta_kubernetes_pod_container_port_name'], regex: 'admin', action: 'keep' });
    expect(sources).not.toContain('__address__,__meta_kubernetes_pod_annotation_prometheus_io_port');
    // The config loads the rules the unit tests cover.
    expect(config.rule_files).toEqual(['alerts.yml']);
  });

  it('every alert of the issue exists', () => {
    expect(alertNames.sort()).toEqual(
      [
        'BlogPlatformCircuitBreakerOpen',
        'BlogPlatformConsumerStuck',
        'BlogPlatformHigh5xxRatio',
        'BlogPlatformLatencyP95AboveObjective',
        'BlogPlatformMessagesDeadLettered',
        'BlogPlatformPodCrashLooping',
        'BlogPlatformReadinessFlapping',
      ].sort(),
    );
  });

  it('every alert has a unit test where it fires and, in the same test, series that must stay silent', () => {
    const tests = parse(readFileSync(path.join(monitoringDir, 'alerts.test.yml'), 'utf8'));
    for (const name of alertNames) {
      const covering = tests.tests.filter((t: Json) => t.alert_rule_test.some((a: Json) => a.alertname === name && a.exp_alerts.length > 0));
      expect(covering.length, `${name} has a firing test`).toBeGreaterThan(0);
      for (const t of covering) {
        const firing = t.alert_rule_test.filter((a: Json) => a.alertname === name).flatMap((a: Json) => a.exp_alerts);
        const expectedPods = new Set(firing.map((a: Json) => a.exp_labels.pod ?? a.exp_labels.service));
        const inputs = t.input_series.map((s: Json) => /(?:pod|service)="([^"]+)"/.exec(s.series)?.[1]);
        expect(inputs.some((p: string | undefined) => p !== undefined && !expectedPods.has(p)), `${name}: a silent series`).toBe(true);
      }
    }
  });
});

describe('Grafana dashboard (shape; the live scrape test runs every query)', () => {
  const dashboard = JSON.parse(readFileSync(path.join(monitoringDir, 'grafana-dashboard.json'), 'utf8'));
  const panels: Json[] = dashboard.panels.filter((p: Json) => p.type !== 'row');

  it('has a data source variable and a service variable fed by podkit\'s request counter', () => {
    const vars = Object.fromEntries(dashboard.templating.list.map((v: Json) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.service.query.query).toBe('label_values(http_requests_total{job="blog-platform-pods"}, service)');
    expect(vars.service).toMatchObject({ multi: true, includeAll: true });
  });

  it('every panel queries the shipped scrape job through the data source variable, with unique ids', () => {
    const ids = dashboard.panels.map((p: Json) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.expr, p.title).toContain('job="blog-platform-pods"');
    }
  });

  it('shows RED per service and the client breaker states', () => {
    const exprs = panels.flatMap((p) => p.targets.map((t: Json) => t.expr as string)).join('\n');
    expect(exprs).toMatch(/sum by \(service\) \(rate\(http_requests_total/); // rate
    expect(exprs).toMatch(/status=~"5\.\."/); // errors
    expect(exprs).toMatch(/histogram_quantile\(0\.95, sum by \(service, le\) \(rate\(http_request_duration_seconds_bucket/); // duration
    expect(exprs).toMatch(/http_client_breaker_state/);
    const breaker = panels.find((p) => p.targets.some((t: Json) => String(t.expr).includes('http_client_breaker_state')));
    const mapping = breaker.fieldConfig.defaults.mappings[0].options;
    expect({ 0: mapping['0'].text, 1: mapping['1'].text, 2: mapping['2'].text }).toEqual({ 0: 'closed', 1: 'half-open', 2: 'open' });
  });
});

describe.skipIf(!hasPromtool)('promtool', () => {
  it('check rules', () => {
    const r = run(['check', 'rules', 'alerts.yml']);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain(`SUCCESS: ${alertNames.length} rules found`);
  });

  it('test rules: each alert fires on the series that should fire it and nothing else fires', () => {
    const r = run(['test', 'rules', 'alerts.test.yml']);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('the unit tests catch a wrong threshold (mutation check)', () => {
    const mutated = readFileSync(path.join(monitoringDir, 'alerts.yml'), 'utf8').replace(') > 0.05', ') > 0.01');
    expect(mutated).not.toBe(readFileSync(path.join(monitoringDir, 'alerts.yml'), 'utf8'));
    writeFileSync(path.join(scratch, 'alerts.yml'), mutated);
    copyFileSync(path.join(monitoringDir, 'alerts.test.yml'), path.join(scratch, 'alerts.test.yml'));
    const r = run(['test', 'rules', 'alerts.test.yml'], scratch);
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(/comments/); // the 1.6 % series now fires and fails the test
  });

  it('check config: the shipped config (with discovery replaced when this promtool lacks Kubernetes SD)', () => {
    const direct = run(['check', 'config', 'prometheus.yml']);
    if (direct.status === 0) return;
    // Debian's build has no Kubernetes service discovery; everything else is checked as shipped.
    expect(direct.output).toMatch(/kubernetes_sd_configs not found/);
    const base = loadBase();
    const file = path.join(scratch, 'prometheus.yml');
    writeFileSync(
      file,
      staticVariant({
        targets: SERVICES.map((s) => ({ deployment: find(base, 'Deployment', s.name), pod: `${s.name}-0` })),
      }),
    );
    const r = run(['check', 'config', file], scratch);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toMatch(/SUCCESS/);
  });
});
