import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The web app's directory (`examples/blog-platform/web`). */
export const webDir: string = dirname(fileURLToPath(import.meta.url));

/** Where the build goes; the gateway serves it at `/`. */
export const webDistDir: string = join(webDir, 'dist');

/** Inputs of the build: when any is newer than `dist/index.html`, the build is stale. */
const INPUTS = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json'];

/** Options of {@link ensureWebBuild}. */
export interface EnsureWebBuildOptions {
  /** Rebuild even when the build is up to date. @default false */
  force?: boolean;
  /** Receives one line when a build starts and one when it ends. @default no logging */
  log?: (line: string) => void;
}

/** What {@link ensureWebBuild} did. */
export interface WebBuildResult {
  /** True when a build ran; false when `dist` was already up to date. */
  built: boolean;
  distDir: string;
  durationMs: number;
}

/**
 * Builds the SPA into `web/dist` with Vite, but only when `dist` is missing or older than the
 * sources, so `npm start` and the browser tests stay fast. The build is written to a temporary
 * directory and swapped in, so a gateway serving `dist` never sees a half-written build and
 * two concurrent callers cannot corrupt each other's output.
 *
 * @example
 * ```ts
 * import { ensureWebBuild } from '../web/build.ts';
 * await ensureWebBuild({ log: (line) => logger.info(line) });
 * ```
 */
export async function ensureWebBuild(options: EnsureWebBuildOptions = {}): Promise<WebBuildResult> {
  const started = performance.now();
  if (!options.force && !(await isStale())) {
    return { built: false, distDir: webDistDir, durationMs: performance.now() - started };
  }
  options.log?.('building the web front end (vite build)');
  const tmpDir = join(webDir, `.dist-${randomUUID()}`);
  try {
    await viteBuild(tmpDir);
    const oldDir = join(webDir, `.dist-old-${randomUUID()}`);
    await rename(webDistDir, oldDir).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    });
    await rename(tmpDir, webDistDir).catch((error: unknown) => {
      // Another process swapped in its own fresh build between our two renames: keep that one.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
    });
    await rm(oldDir, { recursive: true, force: true });
  } finally {
    await rm(tmpDir, { recursive: true, force: true });
  }
  const durationMs = performance.now() - started;
  options.log?.(`web front end built in ${Math.round(durationMs)} ms`);
  return { built: true, distDir: webDistDir, durationMs };
}

/**
 * Runs `vite build` in a child process with `NODE_ENV=production`, so the bundle is React's
 * production build whatever the caller's environment (vitest runs with `NODE_ENV=test`).
 */
function viteBuild(outDir: string): Promise<void> {
  const viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const child = spawn(process.execPath, [viteBin, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir', webDir], {
    cwd: webDir,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`vite build of ${webDir} failed (${signal ?? `exit code ${String(code)}`}):\n${output.trim()}`));
    });
  });
}

/** True when `dist/index.html` is missing or older than any input file. */
export async function isStale(): Promise<boolean> {
  const builtAt = await mtime(join(webDistDir, 'index.html'));
  if (builtAt === undefined) return true;
  for (const input of INPUTS) {
    if ((await newestMtime(join(webDir, input))) > builtAt) return true;
  }
  return false;
}

async function mtime(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

async function newestMtime(path: string): Promise<number> {
  let info;
  try {
    info = await stat(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}
