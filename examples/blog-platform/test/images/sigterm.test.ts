import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnService } from '../../src/platform/child.ts';
import type { ServiceProcess } from '../../src/platform/child.ts';
import { quoteIdent } from '../../src/shared/db/identifier.ts';
import type { Database } from '../../src/shared/db/database.ts';
import { openPglite } from '../../src/shared/db/pglite.ts';
import { openPostgres } from '../../src/shared/db/postgres.ts';
import { uniqueId } from '../helpers/backends.ts';
import { listen, type TestServer } from '../helpers/http.ts';
import { NO_CONFIG_DIR } from '../helpers/no-config.ts';
import { testIssuer } from '../helpers/tokens.ts';
import { backends, makeImage } from './helpers.ts';

/** Resolves with the first JSON log line matching `predicate` (rejects if the process exits first). */
function lineWaiter(): {
  onLine: (line: string) => void;
  waitFor: (predicate: (l: Record<string, unknown>) => boolean) => Promise<Record<string, unknown>>;
  lines: Record<string, unknown>[];
} {
  const lines: Record<string, unknown>[] = [];
  const waiters: { p: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  return {
    lines,
    onLine(text) {
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        return;
      }
      lines.push(line);
      for (const w of [...waiters]) {
        if (!w.p(line)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    },
    waitFor(p) {
      const seen = lines.find(p);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ p, resolve }));
    },
  };
}

describe.each(backends)('images process on %s', (backend) => {
  let jwks: TestServer | undefined;
  const procs: ServiceProcess[] = [];
  let dataDir: string | undefined;
  let schema: string | undefined;
  let db: Database | undefined;
  afterEach(async () => {
    for (const proc of procs.splice(0)) {
      if (proc.child.exitCode === null && proc.child.signalCode === null) {
        proc.child.kill('SIGKILL');
        await proc.exited;
      }
    }
    await jwks?.close();
    if (backend === 'postgres' && schema !== undefined) {
      db ??= openPostgres({ url: process.env.DATABASE_URL!, schema });
      await db.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema, 'test schema')} CASCADE`);
    }
    await db?.close();
    db = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** A token, and a server with the JWKS and the (empty) revocation list the process checks it against (auth's part). */
  async function authStub(): Promise<string> {
    const issuer = await testIssuer();
    jwks = await listen((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(req.url === '/api/auth/revocations' ? { revocations: [] } : { keys: [issuer.key.publicJwk] }));
    });
    return (await issuer.token()).token;
  }

  /** Starts `src/images/main.ts` as a process on this test's database; resolves once ready. */
  async function startImages(log: ReturnType<typeof lineWaiter>, extra: Record<string, string>): Promise<ServiceProcess> {
    schema ??= `images_${uniqueId()}`;
    dataDir ??= await mkdtemp(path.join(tmpdir(), 'images-process-'));
    const env: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      PORT: '0',
      ADMIN_PORT: '0',
      AUTH_URL: jwks!.url,
      DATABASE_SCHEMA: schema,
      PODKIT_CONFIG_DIR: NO_CONFIG_DIR,
      PODKIT_SECRETS_DIR: NO_CONFIG_DIR,
      LOG_LEVEL: 'info',
      ...(backend === 'postgres' ? { DATABASE_URL: process.env.DATABASE_URL } : { DATABASE_DATA_DIR: dataDir }),
      ...extra,
    };
    const proc = await spawnService({ id: 'images', service: 'images', env, onLine: (line) => log.onLine(line) });
    procs.push(proc);
    await proc.ready;
    return proc;
  }

  async function uploadTo(proc: ServiceProcess, token: string): Promise<string> {
    const res = await fetch(`http://127.0.0.1:${proc.port}/api/images`, {
      method: 'POST',
      headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` },
      body: await makeImage('png', 640, 480),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { id: string }).id;
  }

  async function statusInDb(id: string): Promise<{ status: string; job: string; attempts: number }[]> {
    db ??= backend === 'postgres' ? openPostgres({ url: process.env.DATABASE_URL!, schema: schema! }) : await openPglite({ dataDir: dataDir!, schema: schema! });
    const { rows } = await db.query<{ status: string; job: string; attempts: number }>(
      'SELECT i.status, j.status AS job, j.attempts FROM images i JOIN jobs j ON j.image_id = i.id WHERE i.id = $1',
      [id],
    );
    return rows;
  }

  it('finishes the job it is processing before exiting 0 on SIGTERM', async () => {
    const token = await authStub();
    const log = lineWaiter();
    // TEST ONLY setting: every job takes at least this long, so SIGTERM lands mid-job.
    const proc = await startImages(log, { IMAGES_PROCESSING_DELAY: '1500ms' });
    const id = await uploadTo(proc, token);

    await log.waitFor((l) => l.msg === 'image job started' && l.imageId === id);
    proc.child.kill('SIGTERM');
    const code = await proc.exited;

    expect(code).toBe(0);
    const msgs = log.lines.map((l) => l.msg);
    const completed = log.lines.findIndex((l) => l.msg === 'image job completed' && l.imageId === id);
    expect(completed, msgs.join('\n')).toBeGreaterThan(-1);
    expect(completed).toBeLessThan(msgs.indexOf('shutdown complete'));
    expect(log.lines.some((l) => l.msg === 'drainer finished' && l.drainer === 'images-worker')).toBe(true);
    // The database says so too (PGlite: reopen the data directory the process used).
    expect(await statusInDb(id)).toEqual([{ status: 'ready', job: 'done', attempts: 1 }]);
  }, 90_000);

  it('retries the job of a killed process once its lease expires', async () => {
    const token = await authStub();
    const first = lineWaiter();
    // The first process would take a minute per job: it is killed (SIGKILL, no drain) mid-job.
    const doomed = await startImages(first, { IMAGES_PROCESSING_DELAY: '60s', WORKER_LEASE: '5s' });
    const id = await uploadTo(doomed, token);
    await first.waitFor((l) => l.msg === 'image job started' && l.imageId === id);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');

    // A new process (another replica, or the restarted pod) takes the job over once the lease
    // of the dead one has run out: attempt 2.
    const second = lineWaiter();
    await startImages(second, { WORKER_LEASE: '5s', WORKER_POLL_INTERVAL: '250ms' });
    const retried = await second.waitFor((l) => l.msg === 'image job completed' && l.imageId === id);
    expect(retried.attempt).toBe(2);
    expect(await statusInDb(id)).toEqual([{ status: 'ready', job: 'done', attempts: 2 }]);
  }, 120_000);
});
