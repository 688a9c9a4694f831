/**
 * The monitoring works against the real thing: the five services run as processes (the platform
 * lead's `startPlatform`, ephemeral ports, embedded defaults), a real Prometheus scrapes them
 * with the shipped configuration (Kubernetes discovery replaced by static targets that carry the
 * same meta labels the pod templates would produce, so the shipped relabeling decides what is
 * scraped, from which path, with which labels), and then:
 *
 * - every target is up, labelled as on Kubernetes (namespace, pod, app, component);
 * - every query of the Grafana dashboard returns data (templating variables substituted);
 * - every alert rule evaluates without error against the real series;
 * - every scraped page passes `promtool check metrics`.
 *
 * Skips with a message when the `prometheus` binary is missing, unless PODKIT_REQUIRE_PROMTOOL=1.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES as ALL_SERVICES } from '../../deploy/platform.ts';
import type { Json } from './load.ts';
import { find, loadBase } from './load.ts';
import { monitoringDir, staticVariant } from './prometheus-config.ts';
import { hasPrometheus, startPrometheus, waitFor, type PrometheusServer } from './prometheus-server.ts';
import { startPlatformForScrape, type RunningPlatform } from './platform-runner.ts';

/** What the embedded platform runs: the worker runs only with a broker (its pods are scraped alike: container port admin). */
const SERVICES = ALL_SERVICES.filter((s) => s.component !== 'worker');
const available = hasPrometheus();
const required = process.env['PODKIT_REQUIRE_PROMTOOL'] === '1';
const RATE_WINDOW = '15s'; // $__rate_interval with a 1 s scrape interval

const dashboard = JSON.parse(readFileSync(path.join(monitoringDir, 'grafana-dashboard.json'), 'utf8'));
const panels: Json[] = dashboard.panels.filter((p: Json) => p.type !== 'row');

/** A dashboard expression as Grafana would send it, with all services selected. */
function resolve(expr: string): string {
  return expr.replaceAll('$__rate_interval', RATE_WINDOW).replaceAll('$service', '.*');
}

it('prometheus is installed (required in CI)', () => {
  if (!available) {
    if (required) throw new Error('prometheus not found but PODKIT_REQUIRE_PROMTOOL=1: apt-get install prometheus');
    console.warn('SKIPPED live scrape check: the prometheus binary is not installed (apt-get install prometheus)');
  }
  expect(available || !required).toBe(true);
});

describe.skipIf(!available)('a real Prometheus scraping the running platform with the shipped config', () => {
  let platform: RunningPlatform | undefined;
  let prometheus: PrometheusServer | undefined;

  beforeAll(async () => {
    platform = await startPlatformForScrape();
    const base = loadBase();
    const config = staticVariant({
      scrapeInterval: '1s',
      jobs: ['blog-platform-pods'],
      targets: SERVICES.map((s) => ({
        deployment: find(base, 'Deployment', s.name),
        pod: `${s.name}-local`,
        addresses: { http: new URL(platform!.urls[s.name]).host, admin: new URL(platform!.adminUrls[s.name]).host },
      })),
    });
    prometheus = await startPrometheus(config);
    await traffic(platform.urls.gateway);
  }, 180_000);

  afterAll(async () => {
    await prometheus?.close();
    await platform?.close();
  }, 60_000);

  it('scrapes every service on its admin port, labelled by the shipped relabeling as on Kubernetes', async () => {
    const targets = await waitFor(async () => {
      const data = await prometheus!.api<{ activeTargets: Json[] }>('/api/v1/targets?state=active');
      const up = data.activeTargets.filter((t) => t.health === 'up');
      return up.length === SERVICES.length ? data.activeTargets : undefined;
    }, 60_000);
    // One target per pod: the public port's target is dropped by the relabeling.
    expect(targets).toHaveLength(SERVICES.length);
    for (const s of SERVICES) {
      const t = targets.find((x) => x.labels.app === s.name);
      expect(t, `target for ${s.name}`).toBeDefined();
      expect(t.labels).toMatchObject({ job: 'blog-platform-pods', namespace: 'blog-platform', pod: `${s.name}-local`, app: s.name });
      // The container port named admin, path from the path annotation.
      expect(t.scrapeUrl).toBe(`${platform!.adminUrls[s.name]}/metrics`);
    }
  }, 90_000);

  it.each(panels.flatMap((p) => p.targets.map((t: Json) => [`${p.title} [${t.refId}]`, t.expr] as const)))(
    'dashboard query returns data: %s',
    async (_title, expr) => {
      const result = await waitFor(async () => {
        const data = await prometheus!.api<{ result: Json[] }>(`/api/v1/query?query=${encodeURIComponent(resolve(expr))}`);
        return data.result.length > 0 ? data.result : undefined;
      }, 60_000);
      expect(result.length).toBeGreaterThan(0);
    },
    90_000,
  );

  it('the dashboard\'s service variable lists all five services', async () => {
    const values = await waitFor(async () => {
      const data = await prometheus!.api<string[]>(`/api/v1/label/service/values?match[]=${encodeURIComponent('http_requests_total{job="blog-platform-pods"}')}`);
      return SERVICES.every((s) => data.includes(s.name)) ? data : undefined;
    }, 60_000);
    expect(values).toEqual(expect.arrayContaining(SERVICES.map((s) => s.name)));
  }, 90_000);

  it('every alert rule evaluates against the real series without error', async () => {
    const groups = await waitFor(async () => {
      const data = await prometheus!.api<{ groups: Json[] }>('/api/v1/rules');
      const rules = data.groups.flatMap((g) => g.rules);
      return rules.length > 0 && rules.every((r) => r.lastEvaluation !== '0001-01-01T00:00:00Z') ? data.groups : undefined;
    }, 60_000);
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name).sort()).toHaveLength(7);
    for (const r of rules) expect({ name: r.name, health: r.health, error: r.lastError }).toEqual({ name: r.name, health: 'ok', error: undefined });
  }, 90_000);

  it('every page Prometheus scrapes passes `promtool check metrics` (default runtime metrics included)', async () => {
    const targets = await waitFor(async () => {
      const data = await prometheus!.api<{ activeTargets: Json[] }>('/api/v1/targets?state=active');
      return data.activeTargets.length === SERVICES.length ? data.activeTargets : undefined;
    }, 60_000);
    for (const t of targets) {
      const page = await (await fetch(t.scrapeUrl)).text();
      expect(page, t.scrapeUrl).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
      const check = spawnSync('promtool', ['check', 'metrics'], { input: page, encoding: 'utf8', timeout: 60_000 });
      expect({ app: t.labels.app, status: check.status, lint: `${check.stdout}${check.stderr}` }).toEqual({ app: t.labels.app, status: 0, lint: '' });
    }
  }, 90_000);
});

/**
 * Requests through the gateway that touch every service and every client: register and log in
 * (auth), create and read a post (posts), comment (comments, whose client calls posts: breaker
 * state and client metrics), upload an image (images).
 */
async function traffic(gateway: string): Promise<void> {
  const json = async (method: string, p: string, body?: unknown, token?: string): Promise<Json> => {
    const res = await fetch(`${gateway}${p}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${p}: ${String(res.status)} ${text}`);
    return text === '' ? undefined : JSON.parse(text);
  };
  const username = `scrape${String(Date.now())}`;
  await json('POST', '/api/auth/register', { username, password: 'correct horse battery staple' });
  const { token } = await json('POST', '/api/auth/login', { username, password: 'correct horse battery staple' });
  const post = await json('POST', '/api/posts', { title: 'scraped', body: 'metrics everywhere' }, token);
  for (let i = 0; i < 3; i++) await json('GET', `/api/posts/${String(post.id)}`);
  await json('GET', '/api/posts?limit=5');
  await json('POST', '/api/comments', { postId: post.id, body: 'first' }, token);
  await json('GET', `/api/comments?postId=${String(post.id)}`);
  const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: '#3366cc' } }).png().toBuffer();
  const res = await fetch(`${gateway}/api/images`, {
    method: 'POST',
    headers: { 'content-type': 'image/png', authorization: `Bearer ${String(token)}` },
    body: png,
  });
  if (res.status !== 202) throw new Error(`POST /api/images: ${String(res.status)} ${await res.text()}`);
}
