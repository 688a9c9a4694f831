/**
 * The seed's nginx gateway (deploy/overlays/nginx-gateway). Three parts:
 * - the overlay renders (`kubectl kustomize`) to valid objects: nginx in place of the podkit
 *   gateway, at the seed's 50m/64Mi, restricted security settings, probes on nginx's own health
 *   port, a graceful preStop within the grace period, and its ConfigMap holding exactly the
 *   nginx.conf the rest of this file runs;
 * - that nginx.conf, run by the local nginx (deploy/nginx-gateway.ts substitutes addresses only),
 *   and the podkit gateway, side by side in front of one real echo server: same routes, same
 *   forwarded headers, request ids, trace context, keep-alive upstream connections, problem
 *   responses and front-end serving;
 * - `nginx -s quit` (what the preStop hook sends) lets a request in flight finish; SIGTERM,
 *   what the kubelet sends, does not.
 * The browser flows through both gateways in front of the real services are in test/e2e/blog.test.ts.
 * Skipped with a message without nginx (or kubectl for the rendering), unless PODKIT_REQUIRE_NGINX=1.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { Agent, createServer, request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { NGINX_BIN, NGINX_CONF_PATH, renderLocalNginxConf, startLocalNginx, type LocalNginx } from '../../deploy/nginx-gateway.ts';
import { ensureWebBuild, webDistDir } from '../../web/build.ts';
import { nginxMissingMessage, nginxPresent, nginxRequired, nginxSkipMessage } from '../helpers/nginx.ts';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import type { Json, Manifest } from './load.ts';
import { deployDir, loadBase, parseYamlFile, podSpec, readKustomization } from './load.ts';
import { validateManifest } from './validate.ts';

const overlayDir = path.join(deployDir, 'overlays/nginx-gateway');
const conf = readFileSync(NGINX_CONF_PATH, 'utf8');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
const base = loadBase().map((l) => l.object);

if (!nginxPresent && !nginxRequired) console.warn(nginxSkipMessage);
if (!hasKubectl) console.warn('SKIPPED kubectl kustomize of overlays/nginx-gateway: kubectl not installed');

if (!nginxPresent && nginxRequired) {
  it('has nginx for the nginx gateway tests', () => {
    expect.fail(nginxMissingMessage);
  });
}

/** The seconds of a `sleep N` at the start of the preStop command, and of worker_shutdown_timeout. */
function seconds(text: string, re: RegExp): number {
  const m = re.exec(text);
  if (m === null) throw new Error(`${String(re)} not found`);
  return Number(m[1]);
}

describe('overlay (offline)', () => {
  it('patches only objects of the base, and its ConfigMap is generated from nginx.conf', () => {
    const k = readKustomization(overlayDir);
    expect(k['resources']).toEqual(['../../base']);
    for (const patch of k['patches'] as Json[]) {
      for (const p of parseYamlFile(path.join(overlayDir, patch.path))) {
        expect(base.some((o) => o.kind === p.kind && o.metadata.name === p.metadata.name), `${patch.path} targets ${p.kind}/${p.metadata.name}`).toBe(true);
      }
    }
    expect(k['configMapGenerator']).toEqual([expect.objectContaining({ name: 'gateway-nginx', files: ['nginx.conf'] })]);
  });

  it('is the overlay the README tells to apply', () => {
    const readme = readFileSync(path.join(deployDir, '..', 'README.md'), 'utf8');
    const [, dir] = /kubectl apply -k (examples\/blog-platform\/deploy\/overlays\/\S+)/.exec(readme) ?? [];
    expect(dir && path.resolve(deployDir, '../../..', dir)).toBe(overlayDir);
  });
});

describe.skipIf(!hasKubectl)('kubectl kustomize overlays/nginx-gateway', () => {
  let objects: Manifest[];
  let deployment: Manifest;
  let nginx: Json;
  beforeAll(() => {
    const r = spawnSync('kubectl', ['kustomize', overlayDir], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`kubectl kustomize failed: ${r.stderr}`);
    objects = parseAllDocuments(r.stdout).map((d) => d.toJS() as Manifest).filter((o) => o !== null);
    deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'gateway')!;
    nginx = podSpec(deployment).containers.find((c: Json) => c.name === 'nginx');
  });

  it('renders valid objects: the base with the podkit gateway\'s pod and ConfigMap replaced by nginx\'s', () => {
    for (const o of objects) expect(validateManifest(o), `${o.kind}/${o.metadata.name}`).toEqual([]);
    const id = (o: Manifest): string => `${o.kind}/${o.metadata.name.replace(/^gateway-nginx-[a-z0-9]+$/, 'gateway-nginx')}`;
    const expected = base.map(id).filter((i) => i !== 'ConfigMap/gateway-config').concat('ConfigMap/gateway-nginx').sort();
    expect(objects.map(id).sort()).toEqual(expected);
    expect(podSpec(deployment).containers).toHaveLength(1);
    expect(nginx.image).toMatch(/^nginxinc\/nginx-unprivileged:/);
    expect(nginx.env).toBeUndefined(); // no podkit settings left
  });

  it('its ConfigMap holds exactly the nginx.conf this file runs, mounted where the command reads it', () => {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('gateway-nginx-'))!;
    expect(cm['data']).toEqual({ 'nginx.conf': conf });
    const volume = podSpec(deployment).volumes.find((v: Json) => v.configMap?.name === cm.metadata.name);
    const mount = nginx.volumeMounts.find((m: Json) => m.name === volume.name);
    expect(nginx.command).toEqual(['nginx', '-e', 'stderr', '-c', `${mount.mountPath}/nginx.conf`]);
    expect(conf).toMatch(/^daemon off;$/m); // the command runs nginx in the foreground
  });

  it('runs at the seed\'s 50m CPU / 64Mi, non-root, read-only root filesystem, writable /tmp only', () => {
    const pod = podSpec(deployment);
    expect(nginx.resources.requests).toEqual({ cpu: '50m', memory: '64Mi' });
    expect(nginx.resources.limits.memory).toBe('64Mi');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext, c.name).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
      const tmp = c.volumeMounts.find((m: Json) => m.mountPath === '/tmp');
      expect(pod.volumes.find((v: Json) => v.name === tmp?.name)?.emptyDir, `${c.name} /tmp emptyDir`).toBeDefined();
    }
    // every path nginx writes is under /tmp (pid file, temp paths); error log to stderr, access log to stdout
    const written = [...conf.matchAll(/^\s*(?:pid|\w+_temp_path)\s+(\S+);/gm)].map((m) => m[1]!);
    expect(written).toHaveLength(6);
    for (const p of written) expect(p, p).toMatch(/^\/tmp\//);
    // the front end: copied from the platform image into an emptyDir nginx serves read-only
    const [web] = pod.initContainers;
    expect(web.image).toMatch(/^ghcr\.io\/podkit\/blog-platform:/);
    const root = /^\s*root (\S+);/m.exec(conf)![1]!;
    expect(web.volumeMounts.find((m: Json) => m.mountPath === root)?.name).toBe(nginx.volumeMounts.find((m: Json) => m.mountPath === root && m.readOnly === true)?.name);
  });

  it('probes nginx\'s own /healthz on a port no Service routes to; the Service reaches the port nginx.conf serves', () => {
    const health = nginx.ports.find((p: Json) => p.name === 'health');
    const http = nginx.ports.find((p: Json) => p.name === 'http');
    expect(conf).toContain(`listen ${health.containerPort};`);
    expect(conf).toContain(`listen ${http.containerPort} default_server;`);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(nginx[probe].httpGet, probe).toEqual({ path: '/healthz', port: 'health' });
    const healthServer = conf.slice(conf.indexOf(`listen ${health.containerPort};`), conf.indexOf('listen 8080'));
    expect(healthServer).toContain('location = /healthz');
    expect(healthServer).not.toContain('proxy_pass');
    for (const s of objects.filter((o) => o.kind === 'Service' && o.metadata.name === 'gateway')) {
      expect(s.spec.ports.map((p: Json) => p.targetPort)).toEqual(['http']);
    }
  });

  it('shuts down gracefully within the grace period: preStop waits, sends quit, waits for nginx to exit', () => {
    const command = nginx.lifecycle.preStop.exec.command.join(' ');
    const sleep = seconds(command, /sleep (\d+);/);
    const drain = seconds(conf, /^worker_shutdown_timeout (\d+)s;/m);
    expect(command).toContain(`nginx -e stderr -c ${nginx.command.at(-1)} -s quit`);
    const pid = /^pid (\S+);/m.exec(conf)![1]!;
    expect(command).toContain(`while [ -f ${pid} ]`);
    expect(sleep).toBeGreaterThanOrEqual(5);
    expect(podSpec(deployment).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(sleep + drain + 5);
  });
});

// --- the same nginx.conf, run locally ------------------------------------------------------

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly httpVersion: string;
}

/** A real upstream that answers with what it was sent, and counts its connections. */
async function echoServer(): Promise<{ url: string; seen: Seen[]; connections: () => number; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.once('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, httpVersion: req.httpVersion });
      const body = JSON.stringify({ url: req.url });
      // the upstream's own id: a gateway answers with its own, once
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-request-id': 'set-by-upstream' });
      res.end(body);
    });
  });
  server.on('connection', () => connections++);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request with exactly these headers (node:http, which lets a test send Connection and friends). */
function send(url: string, o: { method?: string; headers?: Record<string, string>; body?: Buffer; ownConnection?: boolean } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: o.method ?? 'GET', headers: o.headers, agent: o.ownConnection === true ? false : agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(o.body);
  });
}

const VALID_ID = /^[\w.:@/+=-]{1,128}$/;

describe.skipIf(!nginxPresent)('nginx.conf', () => {
  it('is valid for nginx -t once rendered with local addresses (and only addresses change)', () => {
    const upstreams = { auth: 'http://127.0.0.1:1', posts: 'http://127.0.0.1:2', comments: 'http://127.0.0.1:3', images: 'http://127.0.0.1:4,http://127.0.0.1:5' };
    const dir = path.join(deployDir, '..', 'node_modules', '.nginx-t');
    const rendered = renderLocalNginxConf(conf, { port: 18080, healthPort: 19080, upstreams, webRoot: webDistDir, tmpDir: dir });
    expect(rendered).toContain('server 127.0.0.1:4;\n    server 127.0.0.1:5;');
    // the substituted paths may themselves be under /tmp/ (a checkout there): leave them out of the check
    expect(rendered.replaceAll(dir, '<tmp>').replaceAll(webDistDir, '<web>')).not.toMatch(/ \/tmp\/|server \w+:80;|listen 8080|listen 9080;|\/usr\/share\/nginx\/html/);
    const lines = (s: string): string[] => s.split('\n').filter((l) => !/listen|server |root |\/tmp\/|_temp_path|^pid /.test(l) && !l.includes(dir));
    expect(lines(rendered)).toEqual(lines(conf));
    expect(() => renderLocalNginxConf(conf.replace('listen 9080;', 'listen 9090;'), { port: 1, healthPort: 2, upstreams, webRoot: webDistDir, tmpDir: dir })).toThrow(
      'nginx.conf: expected 1× "listen 9080;", found 0',
    );
  });

  it('nginx -t accepts it', async () => {
    const upstreams = { auth: 'http://127.0.0.1:1', posts: 'http://127.0.0.1:2', comments: 'http://127.0.0.1:3', images: 'http://127.0.0.1:4' };
    // startLocalNginx writes the rendered file; -t checks it without serving
    const gateway = await startLocalNginx({ upstreams, webRoot: webDistDir });
    try {
      // stdout on /dev/null: the access log is /dev/stdout, which nginx cannot open on a socket
      const r = spawnSync(NGINX_BIN, ['-t', '-e', 'stderr', '-p', path.dirname(gateway.confFile), '-c', gateway.confFile], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
      expect(r.stderr).toContain('test is successful');
      expect(r.status).toBe(0);
    } finally {
      await gateway.close();
    }
  });
});

describe.skipIf(!nginxPresent)('the podkit gateway and the nginx gateway, side by side in front of one echo upstream', () => {
  let echo: Awaited<ReturnType<typeof echoServer>>;
  let podkit: TestPlatform;
  let nginx: LocalNginx;
  const gateways: { name: string; url: () => string }[] = [
    { name: 'podkit', url: () => podkit.gatewayUrl },
    { name: 'nginx', url: () => nginx.url },
  ];

  beforeAll(async () => {
    await ensureWebBuild();
    echo = await echoServer();
    const down = await closedPort();
    const upstreams = { auth: echo.url, posts: echo.url, comments: echo.url, images: down };
    [podkit, nginx] = await Promise.all([
      startTestPlatform({
        services: ['gateway'],
        env: { AUTH_URL: upstreams.auth, POSTS_URL: upstreams.posts, COMMENTS_URL: upstreams.comments, IMAGES_URL: upstreams.images, WEB_DIR: webDistDir },
      }),
      startLocalNginx({ upstreams, webRoot: webDistDir }),
    ]);
  }, 120_000);
  afterAll(async () => {
    agent.destroy();
    await nginx?.close();
    await podkit?.close();
    await echo?.close();
  });

  describe.each(gateways)('$name', (g) => {
    it('routes /api/<service> and /api/<service>/... unchanged, and nothing else under /api', async () => {
      for (const p of ['/api/auth', '/api/auth/login?next=%2Fx', '/api/posts', '/api/posts/abc?limit=5&cursor=a%20b', '/api/comments?postId=1']) {
        const res = await send(`${g.url()}${p}`);
        expect(res.status, p).toBe(200);
        expect(JSON.parse(res.body), p).toEqual({ url: p });
      }
      for (const p of ['/api/nothing', '/api/postsx', '/api/', '/health', '/ready?verbose=1', '/startup', '/metrics']) {
        const res = await send(`${g.url()}${p}`);
        expect(res.status, p).toBe(404);
        expect(res.headers['content-type'], p).toBe('application/problem+json');
        expect(JSON.parse(res.body), p).toMatchObject({ status: 404, title: 'Not Found' });
      }
    });

    it('forwards the request id (or a new one for none or a malformed one) and answers with the same, once', async () => {
      const cases: [string | undefined, (id: string) => boolean][] = [
        ['caller-id-42', (id) => id === 'caller-id-42'],
        [undefined, (id) => VALID_ID.test(id)],
        ['not a valid id "\\', (id) => VALID_ID.test(id) && id !== 'not a valid id "\\'],
      ];
      for (const [sent, ok] of cases) {
        const res = await send(`${g.url()}/api/posts`, { headers: sent === undefined ? {} : { 'x-request-id': sent } });
        const answered = res.headers['x-request-id'];
        expect(typeof answered, String(sent)).toBe('string'); // one header, not a list
        expect(ok(answered as string), `${String(sent)} -> ${String(answered)}`).toBe(true);
        expect(echo.seen.at(-1)!.headers['x-request-id']).toBe(answered);
      }
    });

    it('keeps the caller\'s trace id, sets X-Forwarded-For/Proto/Host and X-Real-IP, drops hop-by-hop and deadline headers', async () => {
      const traceId = randomBytes(16).toString('hex');
      const res = await send(`${g.url()}/api/comments`, {
        headers: {
          traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
          tracestate: 'vendor=1',
          'x-forwarded-for': '203.0.113.9',
          'x-forwarded-proto': 'https',
          'x-podkit-timeout-ms': '999999',
          'keep-alive': 'timeout=5',
          accept: 'application/json',
        },
      });
      expect(res.status).toBe(200);
      const { headers, httpVersion } = echo.seen.at(-1)!;
      expect(httpVersion).toBe('1.1');
      expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-0[01]$`));
      // the podkit gateway listens dual-stack: it sees (and forwards) IPv4 peers as ::ffff:a.b.c.d
      const v4 = (a: string | string[] | undefined): string => String(a).replaceAll('::ffff:', '');
      expect(v4(headers['x-forwarded-for'])).toBe('203.0.113.9, 127.0.0.1');
      expect(v4(headers['x-real-ip'])).toBe('127.0.0.1');
      expect(headers['x-forwarded-proto']).toBe('http'); // what the gateway itself was reached by
      expect(headers['x-forwarded-host']).toBe(new URL(g.url()).host);
      expect(headers.accept).toBe('application/json');
      expect(headers['keep-alive']).toBeUndefined();
      expect(headers.connection ?? 'keep-alive').toBe('keep-alive');
      expect(headers['x-podkit-timeout-ms']).not.toBe('999999');
    });

    it('reuses keep-alive connections to the upstream', async () => {
      const before = echo.connections();
      for (let i = 0; i < 20; i++) expect((await send(`${g.url()}/api/posts/${i}`)).status).toBe(200);
      expect(echo.connections() - before).toBeLessThanOrEqual(1);
    });

    it('answers an unreachable upstream with a 503 problem', async () => {
      const res = await send(`${g.url()}/api/images/abc`);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toBe('application/problem+json');
      expect(JSON.parse(res.body)).toMatchObject({ status: 503 });
    });

    it('serves the front end: index.html for client-side routes (no-cache), hashed assets for good, problems otherwise', async () => {
      const asset = readdirSync(path.join(webDistDir, 'assets')).find((f) => f.endsWith('.js'))!;
      for (const p of ['/', '/posts/123', '/login?next=%2F']) {
        const res = await send(`${g.url()}${p}`);
        expect(res.status, p).toBe(200);
        expect(res.headers['content-type'], p).toBe('text/html; charset=utf-8');
        expect(res.headers['cache-control'], p).toBe('no-cache');
        expect(res.headers['x-content-type-options'], p).toBe('nosniff');
        expect(res.body, p).toBe(readFileSync(path.join(webDistDir, 'index.html'), 'utf8'));
      }
      const js = await send(`${g.url()}/assets/${asset}`);
      expect(js.status).toBe(200);
      expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(js.headers['content-type']).toMatch(/javascript/);
      const revalidated = await send(`${g.url()}/assets/${asset}`, { headers: { 'if-none-match': js.headers.etag! } });
      expect(revalidated.status).toBe(304);
      for (const p of ['/assets/missing.js', '/missing.png']) {
        const res = await send(`${g.url()}${p}`);
        expect(res.status, p).toBe(404);
        expect(res.headers['content-type'], p).toBe('application/problem+json');
      }
      // a path that climbs out of the web root stays inside it: a client-side route
      const climb = await send(`${g.url()}/%2e%2e/%2e%2e/etc/passwd`);
      expect(climb.body).toBe(readFileSync(path.join(webDistDir, 'index.html'), 'utf8'));
      const post = await send(`${g.url()}/`, { method: 'POST', body: Buffer.from('x') });
      expect(post.status).toBe(405);
      expect(post.headers.allow).toBe('GET, HEAD');
      expect(post.headers['content-type']).toBe('application/problem+json');
    });
  });

  it('nginx answers a body above 12 MiB with a 413 problem, and streams one below it to the upstream', async () => {
    const big = await send(`${nginx.url}/api/posts`, { method: 'POST', body: Buffer.alloc(12 * 1024 * 1024 + 1), headers: { 'content-type': 'application/octet-stream' } });
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toBe('application/problem+json');
    expect(JSON.parse(big.body)).toMatchObject({ status: 413 });
    const ok = await send(`${nginx.url}/api/posts`, { method: 'POST', body: Buffer.alloc(11 * 1024 * 1024), headers: { 'content-type': 'application/octet-stream' } });
    expect(ok.status).toBe(200);
  });

  it('nginx logs one JSON line per request with the request id, and serves /healthz on its health port only', async () => {
    const id = `log-${randomBytes(4).toString('hex')}`;
    await send(`${nginx.url}/api/posts`, { headers: { 'x-request-id': id, authorization: 'Bearer secret-token-value' } });
    await expect.poll(() => nginx.lines.find((l) => l.includes(id))).toBeDefined();
    const line = JSON.parse(nginx.lines.find((l) => l.includes(id))!) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'request completed', request_id: id, method: 'GET', uri: '/api/posts', status: 200 });
    expect(nginx.lines.join('\n')).not.toContain('secret-token-value');
    const health = await send(`${nginx.healthUrl}/healthz`);
    expect([health.status, health.body]).toEqual([200, 'ok\n']);
    expect((await send(`${nginx.healthUrl}/api/posts`)).status).toBe(404);
  });
});

describe.skipIf(!nginxPresent)('stopping nginx', () => {
  /** nginx in front of an upstream that holds its answer until told to send it. */
  async function withHeldRequest(): Promise<{ nginx: LocalNginx; response: Promise<Answer>; release: () => void; close: () => Promise<void> }> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const upstream = createServer((req, res) => {
      arrived();
      void released.then(() => res.end('finished'));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const nginx = await startLocalNginx({ upstreams: { auth: url, posts: url, comments: url, images: url }, webRoot: webDistDir });
    const response = send(`${nginx.url}/api/images/slow`, { ownConnection: true });
    response.catch(() => undefined);
    await arrival;
    return {
      nginx,
      response,
      release,
      close: async () => {
        release();
        await nginx.close();
        upstream.closeAllConnections();
        await new Promise((resolve) => upstream.close(resolve));
      },
    };
  }

  it('nginx -s quit (the preStop hook) stops accepting, lets the request in flight finish, then exits 0', async () => {
    const held = await withHeldRequest();
    try {
      held.nginx.child.kill('SIGQUIT');
      await expect.poll(() => held.nginx.lines.some((l) => l.includes('gracefully shutting down'))).toBe(true);
      await expect.poll(() => send(`${held.nginx.url}/`, { ownConnection: true }).then(() => 'accepted', (err: NodeJS.ErrnoException) => err.code)).toBe('ECONNREFUSED');
      held.release();
      const res = await held.response;
      expect([res.status, res.body]).toEqual([200, 'finished']);
      expect(await held.nginx.exited).toBe(0);
    } finally {
      await held.close();
    }
  });

  it('SIGTERM (what the kubelet sends) is nginx\'s fast stop: the request in flight is cut', async () => {
    const held = await withHeldRequest();
    try {
      held.nginx.child.kill('SIGTERM');
      await expect(held.response).rejects.toThrow(/socket hang up|ECONNRESET/);
      await held.nginx.exited;
    } finally {
      await held.close();
    }
  });
});
