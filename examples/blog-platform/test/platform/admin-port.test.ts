import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES as ALL_SERVICES } from '../../deploy/platform.ts';
import { PROBE_PATHS } from '../../deploy/render/probes.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';

/**
 * What a caller on the public port sees, for every service of the running platform (five
 * processes on ephemeral ports, as `npm start` runs them): 404 for the probe and metrics paths,
 * which podkit serves on the admin port only. The paths are the manifests' (`PROBE_PATHS`), so the
 * probes and Prometheus ask the admin port for exactly what it answers. The gateway serves a
 * front end whose SPA fallback answers `index.html` to any path without an extension: it must
 * not turn `/metrics` into a 200 either.
 */
/** The embedded platform's processes: the worker runs only with a broker (test/comment-counter/comment-count.test.ts checks its ports). */
const SERVICES = ALL_SERVICES.filter((s) => s.component !== 'worker');
const PATHS = [PROBE_PATHS.liveness, PROBE_PATHS.readiness, PROBE_PATHS.startup, PROBE_PATHS.metrics];
const SPA_INDEX = '<!doctype html><title>spa</title>';

describe('probes and /metrics are on the admin port only', () => {
  let platform: TestPlatform;
  let webDir: string;

  beforeAll(async () => {
    webDir = mkdtempSync(path.join(tmpdir(), 'blog-admin-web-'));
    writeFileSync(path.join(webDir, 'index.html'), SPA_INDEX);
    platform = await startTestPlatform({ serviceEnv: { gateway: { WEB_DIR: webDir } } });
  }, 120_000);
  afterAll(async () => {
    await platform?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  function urlsOf(name: string): { public: string; admin: string } {
    const pub = platform.urls[name as keyof typeof platform.urls];
    const admin = platform.adminUrls[name as keyof typeof platform.adminUrls];
    if (pub === undefined || admin === undefined) throw new Error(`${name} is not running`);
    return { public: pub, admin };
  }

  it('starts every service with two distinct ports', () => {
    for (const s of SERVICES) {
      const { public: pub, admin } = urlsOf(s.name);
      expect(new URL(admin).port, s.name).not.toBe(new URL(pub).port);
    }
  });

  it.each(SERVICES.map((s) => s.name))('%s: the public port answers 404 problems for /health, /ready, /startup and /metrics', async (name) => {
    const base = urlsOf(name).public;
    for (const p of PATHS) {
      for (const [method, suffix] of [['GET', ''], ['GET', '?verbose=1'], ['HEAD', ''], ['POST', '']] as const) {
        const res = await fetch(`${base}${p}${suffix}`, { method });
        const body = await res.text();
        expect(res.status, `${method} ${p}${suffix}`).toBe(404);
        if (method !== 'HEAD') {
          expect(res.headers.get('content-type'), `${method} ${p}${suffix}`).toContain('application/problem+json');
          expect(body, `${method} ${p}${suffix}`).not.toMatch(/http_requests_total|"checks"|"status":"up"|spa/);
        }
      }
    }
  });

  it.each(SERVICES.map((s) => s.name))('%s: the admin port answers the probes and /metrics, and nothing of the API', async (name) => {
    const base = urlsOf(name).admin;
    const probes = [
      [PROBE_PATHS.liveness, 'liveness'],
      [PROBE_PATHS.readiness, 'readiness'],
      [PROBE_PATHS.startup, 'startup'],
    ] as const;
    for (const [p, kind] of probes) {
      const res = await fetch(`${base}${p}`);
      const body = await res.text();
      // podkit's report of that kind; 503 is a real answer too (a check can be down on a loaded
      // machine: the event-loop delay check after a slow start), never a 404.
      expect([200, 503], `${p}: ${String(res.status)} ${body}`).toContain(res.status);
      expect(res.headers.get('content-type'), p).toContain('application/json');
      expect(JSON.parse(body) as { kind: string }, p).toMatchObject({ kind });
    }
    // The service reported ready (startupTask done): startup is up whatever the other checks say.
    expect((await fetch(`${base}${PROBE_PATHS.startup}`)).status).toBe(200);
    const metrics = await fetch(`${base}${PROBE_PATHS.metrics}`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/^process_start_time_seconds\b/m);
    const api = await fetch(`${base}/api/${name}`);
    await api.body?.cancel();
    expect(api.status, 'the API is not served on the admin port').toBe(404);
  });

  it('the gateway still serves its front end and API on the public port', async () => {
    const { public: gateway } = urlsOf('gateway');
    const page = await fetch(`${gateway}/some/client/route`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(SPA_INDEX);
    const api = await fetch(`${gateway}/api/posts?limit=1`);
    await api.body?.cancel();
    expect(api.status).toBe(200);
  });
});
