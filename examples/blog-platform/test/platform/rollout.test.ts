// The platform's rollout, proved on @podkit/testing's simulator: the five services as
// Deployments from their own rendered manifests (deploy/base/services/*.yaml: probes on the
// admin port, maxSurge 1 / maxUnavailable 0, terminationGracePeriodSeconds 30, podkit's 5 s
// propagation delay because the pods see KUBERNETES_SERVICE_HOST), two replicas each, behind
// connection-level Services; a keep-alive load of reads and writes through the gateway while
// all five roll at once with an endpoint lag (1 s) below the propagation delay.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import path from 'node:path';
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCluster, KubeletVolume, type Cluster, type LoadRequest } from '@podkit/testing';
import { SERVICE_NAMES, entryOf, DEPENDENCIES, START_WAVES, isAvailable, type ServiceName } from '../../src/platform/services.ts';
import { uniqueId } from '../helpers/backends.ts';
import { NO_CONFIG_DIR } from '../helpers/no-config.ts';

const servicesDir = path.resolve(import.meta.dirname, '../../deploy/base/services');
// The five HTTP services; the comment-counter worker runs only with a broker (AMQP_URL) and has
// its own SIGTERM test (test/comment-counter/sigterm.test.ts).
const services = SERVICE_NAMES.filter((s) => s !== 'comment-counter' && isAvailable(s));
const isolate = uniqueId();

/** One keep-alive connection for the setup calls, so register and login reach the same auth pod. */
async function post(agent: Agent, url: string, body: unknown, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const r = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...(token ? { authorization: `Bearer ${token}` } : {}) } }, (res) => {
      let data = '';
      res.setEncoding('utf8').on('data', (c: string) => (data += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data === '' ? {} : (JSON.parse(data) as Record<string, unknown>) }));
    });
    r.on('error', reject);
    r.end(text);
  });
}

describe('rolling every service of the platform (simulated cluster, their own manifests)', () => {
  let cluster: Cluster;
  let secrets: KubeletVolume;
  let token: string;

  beforeAll(async () => {
    // one signing key for every auth replica (the jwt-signing-key Secret), so tokens verify on any pod
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    secrets = new KubeletVolume({ 'jwt-signing-key': pem });
    cluster = createCluster({ endpointLagMs: 1000 });
    const urls = Object.fromEntries(await Promise.all(services.map(async (s) => [s, await cluster.service(s)] as const))) as Record<ServiceName, string>;
    const shared = process.env.DATABASE_URL !== undefined && process.env.DATABASE_URL !== '';
    for (const wave of START_WAVES) {
      await Promise.all(
        wave.filter((s) => services.includes(s)).map((name) =>
          cluster.deploy({
            name,
            start: { module: entryOf(name), nodeArgs: ['--conditions=@podkit/source'] },
            manifest: path.join(servicesDir, `${name}.yaml`),
            // two replicas (the HPA's minimum); the manifests' probe periods shortened for a test
            overrides: { replicas: 2, probes: { periodSeconds: 0.5 }, startupProbe: { failureThreshold: 240 } },
            env: {
              LOG_LEVEL: 'warn',
              // the manifests preload the image's jemalloc, at a path that exists only in the image
              LD_PRELOAD: undefined,
              PODKIT_CONFIG_DIR: NO_CONFIG_DIR,
              PODKIT_SECRETS_DIR: name === 'auth' ? secrets.dir : NO_CONFIG_DIR,
              DATABASE_SCHEMA: `${name}_${isolate}`,
              REDIS_PREFIX: `blog:${isolate}:${name}:`,
              // PGlite is one database per process; replicas share data only on a real PostgreSQL
              ...(shared ? {} : { DATABASE_URL: undefined, DATABASE_DATA_DIR: 'memory://' }),
              ...Object.fromEntries(DEPENDENCIES[name].filter((d) => services.includes(d)).map((d) => [`${d.toUpperCase()}_URL`, urls[d]])),
            },
          }),
        ),
      );
    }
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const gw = `${urls.gateway}/api/auth`;
      // register and log in until both reach the same auth replica (PGlite keeps users per pod)
      for (let attempt = 0; attempt < 8 && token === undefined; attempt++) {
        const user = { username: `roller${String(attempt)}${isolate.slice(-6)}`, password: 'rolling-rolling' };
        await post(agent, `${gw}/register`, user);
        const login = await post(agent, `${gw}/login`, user);
        if (login.status === 200) token = login.body.token as string;
      }
    } finally {
      agent.destroy();
    }
    expect(token).toBeDefined();
  }, 180_000);
  afterAll(async () => {
    await cluster?.close();
    secrets?.remove();
  });

  it('fails no request while all five services roll, and every old pod drains and exits 0 within its grace period', { timeout: 180_000 }, async () => {
    const requests = (n: number): LoadRequest => {
      switch (n % 5) {
        case 0:
          return { method: 'POST', path: '/api/posts', headers: { authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() }, body: { title: `r${String(n)}`, body: 'rolling' }, expect: (s) => s === 201 };
        case 1:
          return { path: `/api/comments?postId=${randomUUID()}&limit=5`, expect: (s) => s === 200 };
        case 2:
          return { path: `/api/images/${randomUUID()}`, expect: (s) => s === 404 || s === 401 };
        case 3:
          return { path: '/api/auth/.well-known/jwks.json', expect: (s) => s === 200 };
        default:
          return { path: '/api/posts?limit=5', expect: (s) => s === 200 };
      }
    };
    const load = await cluster.startLoad('gateway', { requests, concurrency: 4, pauseMs: 20 });
    await load.waitFor(100);
    const started = performance.now();
    await cluster.rollout();
    const rolledMs = performance.now() - started;
    await load.waitFor(100);
    const report = cluster.report(await load.stop());
    console.info(
      `platform rollout (${String(services.length)} services × 2 replicas, endpoint lag 1 s, propagation delay 5 s): rolled in ${rolledMs.toFixed(0)} ms; ` +
        `requests ${JSON.stringify(report.requests)}; old pods exited after ${report.pods.filter((p) => p.revision === 1).map((p) => String(p.exitAfterMs)).join('/')} ms; ` +
        `new pods Ready after ${report.pods.filter((p) => p.revision === 2).map((p) => `${p.name} ${String(p.readyAfterMs)}`).join(', ')} ms`,
    );
    expect(report.failures).toEqual([]);
    expect(report.requests.total).toBe(report.requests.ok);
    expect(report.requests.total).toBeGreaterThanOrEqual(200);
    const old = report.pods.filter((p) => p.revision === 1);
    expect(old).toHaveLength(services.length * 2);
    for (const p of old) {
      expect({ pod: p.name, exitCode: p.exitCode, killed: p.killed }).toEqual({ pod: p.name, exitCode: 0, killed: false });
      expect(p.exitAfterMs).toBeGreaterThanOrEqual(5000); // the propagation delay was honoured
      expect(p.exitAfterMs).toBeLessThan(p.gracePeriodMs);
    }
    expect(report.pods.filter((p) => p.revision === 2).every((p) => p.exitCode === null && p.restarts === 0)).toBe(true);
    expect({ restarts: report.restarts, liveness: report.probeFailures.liveness, sigkills: report.sigkills }).toEqual({ restarts: 0, liveness: 0, sigkills: 0 });
  });
});
