/**
 * Runs the nginx gateway overlay's `nginx.conf` (the very file its ConfigMap is generated from)
 * on this machine, in front of locally started services: used by the overlay's test and by the
 * platform benchmark. The file is rendered with local addresses by exact substitutions, each of
 * which must match the file as many times as expected, so a change to the deployed file that the
 * local run would no longer mirror fails loudly instead of being tested half-way.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** The overlay's nginx.conf: the ConfigMap's content and what the tests run. */
export const NGINX_CONF_PATH: string = path.join(import.meta.dirname, 'overlays/nginx-gateway/nginx.conf');

/** The upstreams of the nginx gateway, as in its `upstream` blocks. */
export const NGINX_UPSTREAMS = ['auth', 'posts', 'comments', 'images'] as const;

/** Where Debian (and most distributions) install nginx; `NGINX_BIN` overrides it. */
export const NGINX_BIN: string = process.env.NGINX_BIN ?? '/usr/sbin/nginx';

/** True when {@link NGINX_BIN} runs (`nginx -v`). */
export function nginxAvailable(bin: string = NGINX_BIN): boolean {
  return spawnSync(bin, ['-v'], { encoding: 'utf8' }).status === 0;
}

/** What {@link renderLocalNginxConf} substitutes. */
export interface LocalNginxSettings {
  /** Public port (the Deployment's container port 8080). */
  readonly port: number;
  /** Probe port (container port 9080). */
  readonly healthPort: number;
  /** Base URL(s) per upstream, comma-separated replicas, e.g. `http://127.0.0.1:34567`. */
  readonly upstreams: Readonly<Record<(typeof NGINX_UPSTREAMS)[number], string>>;
  /** The front end's build, served at `/` (the pod's /usr/share/nginx/html). */
  readonly webRoot: string;
  /** Writable directory replacing the pod's `/tmp` (pid file and temp paths). */
  readonly tmpDir: string;
  /** Drop the access log (the podkit gateway's default is none). @default false */
  readonly accessLogOff?: boolean;
}

function replaceExactly(text: string, from: string, to: string, times: number): string {
  const count = text.split(from).length - 1;
  if (count !== times) throw new Error(`nginx.conf: expected ${times}× ${JSON.stringify(from)}, found ${count}; update deploy/nginx-gateway.ts with the file`);
  return text.split(from).join(to);
}

function hostPorts(urls: string): string[] {
  return urls.split(',').map((u) => {
    const url = new URL(u.trim());
    if (url.protocol !== 'http:') throw new Error(`nginx upstreams are plain HTTP here, got ${u}`);
    return url.host;
  });
}

/**
 * The overlay's nginx.conf with local addresses: listen ports on 127.0.0.1, upstream servers,
 * web root and every `/tmp/` path replaced; everything else (locations, headers, timeouts,
 * keep-alive, error pages) exactly as deployed.
 *
 * @example
 * ```ts
 * const conf = renderLocalNginxConf(readFileSync(NGINX_CONF_PATH, 'utf8'), { port: 18080, healthPort: 19080, upstreams, webRoot, tmpDir });
 * ```
 */
export function renderLocalNginxConf(source: string, s: LocalNginxSettings): string {
  let conf = source;
  conf = replaceExactly(conf, 'listen 8080 default_server;', `listen 127.0.0.1:${s.port} default_server;`, 1);
  conf = replaceExactly(conf, 'listen 9080;', `listen 127.0.0.1:${s.healthPort};`, 1);
  for (const name of NGINX_UPSTREAMS) {
    const servers = hostPorts(s.upstreams[name]).map((hp) => `server ${hp};`).join('\n    ');
    conf = replaceExactly(conf, `server ${name}:80;`, servers, 1);
  }
  // /tmp/ first: the web root (a checkout's path) may itself be under /tmp/
  conf = replaceExactly(conf, ' /tmp/', ` ${s.tmpDir}/`, 6);
  conf = replaceExactly(conf, 'root /usr/share/nginx/html;', `root ${s.webRoot};`, 1);
  if (s.accessLogOff === true) conf = replaceExactly(conf, 'access_log /dev/stdout gateway;', 'access_log off;', 1);
  return conf;
}

/** A running local nginx gateway. */
export interface LocalNginx {
  /** `http://127.0.0.1:<port>`: the API and the front end. */
  readonly url: string;
  /** `http://127.0.0.1:<port>`: `/healthz`. */
  readonly healthUrl: string;
  readonly child: ChildProcess;
  /** Every stdout (access log) and stderr (error log) line so far. */
  readonly lines: string[];
  /** The rendered configuration file. */
  readonly confFile: string;
  /** Resolves with the exit code (or signal name) when the master process exits. */
  readonly exited: Promise<number | string>;
  /** `nginx -s quit`: graceful stop (requests in flight finish); resolves on exit, then removes the temp dir. */
  close(): Promise<void>;
}

/** Options of {@link startLocalNginx}. */
export interface StartLocalNginxOptions extends Omit<LocalNginxSettings, 'port' | 'healthPort' | 'tmpDir'> {
  /** nginx binary. @default NGINX_BIN */
  readonly bin?: string;
  /** Called with every output line. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function launch(bin: string, prefix: string, confFile: string, onLine: (line: string, stream: 'stdout' | 'stderr') => void): { child: ChildProcess; exited: Promise<number | string>; started: Promise<void> } {
  // -e stderr: nginx opens its compiled-in error log before reading the configuration otherwise.
  // The access log is `/dev/stdout`, which open() cannot reopen when stdout is the socket Node
  // gives a child: bash execs nginx (the child's pid stays nginx's) with stdout on a real pipe.
  const child = spawn('bash', ['-c', 'exec "$0" "$@" > >(exec cat)', bin, '-p', prefix, '-e', 'stderr', '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const started = new Promise<void>((resolve, reject) => {
    const tail: string[] = [];
    createInterface({ input: child.stdout }).on('line', (l) => onLine(l, 'stdout'));
    createInterface({ input: child.stderr }).on('line', (l) => {
      tail.push(l);
      onLine(l, 'stderr');
      // the master binds every listen socket before it starts the worker
      if (l.includes('start worker process')) resolve();
    });
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`nginx exited (${String(code)}) before it started:\n${tail.join('\n')}`)));
  });
  return { child, exited, started };
}

/**
 * Renders the overlay's nginx.conf for this machine (two free ports on 127.0.0.1, a temp
 * directory for the pid file and temp paths) and starts `nginx -p <tmp> -c <conf>` in the
 * foreground (`daemon off` is in the file). Resolves once the worker runs (its sockets are
 * bound); retries with other ports when one was taken in between.
 *
 * @example
 * ```ts
 * const gateway = await startLocalNginx({ upstreams: platform.urls as never, webRoot: webDistDir });
 * await fetch(`${gateway.url}/api/posts`);
 * await gateway.close();
 * ```
 */
export async function startLocalNginx(o: StartLocalNginxOptions): Promise<LocalNginx> {
  const source = readFileSync(NGINX_CONF_PATH, 'utf8');
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'podkit-nginx-'));
  const lines: string[] = [];
  const onLine = (line: string, stream: 'stdout' | 'stderr'): void => {
    lines.push(line);
    o.onLine?.(line, stream);
  };
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const [port, healthPort] = [await freePort(), await freePort()];
    if (port === healthPort) continue;
    const confFile = path.join(tmpDir, 'nginx.conf');
    writeFileSync(confFile, renderLocalNginxConf(source, { ...o, port, healthPort, tmpDir }));
    const { child, exited, started } = launch(o.bin ?? NGINX_BIN, tmpDir, confFile, onLine);
    try {
      await started;
    } catch (err) {
      lastError = err;
      if (String(err).includes('Address already in use')) continue;
      break;
    }
    return {
      url: `http://127.0.0.1:${port}`,
      healthUrl: `http://127.0.0.1:${healthPort}`,
      child,
      lines,
      confFile,
      exited,
      async close() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGQUIT');
        await exited;
        rmSync(tmpDir, { recursive: true, force: true });
      },
    };
  }
  rmSync(tmpDir, { recursive: true, force: true });
  throw lastError instanceof Error ? lastError : new Error('nginx did not start');
}
