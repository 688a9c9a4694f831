import { describe, expect, it } from 'vitest';
import { createImagesApp } from '../../src/images/app.ts';
import { listenForJobs } from '../../src/images/job-notifications.ts';
import { listen, quietLogger } from '../helpers/http.ts';
import { testIssuer } from '../helpers/tokens.ts';
import { logSink, makeImage, openTestDb, recordingLogger, testSettings } from './helpers.ts';

// LISTEN/NOTIFY crosses processes only on a real PostgreSQL (PGlite is in-process).
describe.runIf(process.env.DATABASE_URL)('job notifications on postgres', () => {
  it("wakes another replica's idle worker at once when an upload lands elsewhere", async () => {
    const t = await openTestDb('postgres');
    const issuer = await testIssuer();
    const { token } = await issuer.token();
    // Replica A: API only. Replica B: worker only, polling once an hour, so only NOTIFY wakes it.
    const a = await createImagesApp({ db: t.db, verifier: issuer.verifier, logger: quietLogger(), settings: testSettings({ worker: false }) });
    const sink = logSink();
    const settings = testSettings();
    const b = await createImagesApp({
      db: t.connect(),
      verifier: issuer.verifier,
      logger: sink.logger,
      settings: { ...settings, worker: { ...settings.worker, pollInterval: 3_600_000 } },
    });
    const notifications = await listenForJobs({
      url: process.env.DATABASE_URL!,
      channel: b.notifyChannel,
      onNotify: () => b.worker?.wake(),
      logger: recordingLogger(),
    });
    const server = await listen(a.router.listener);
    try {
      const res = await fetch(`${server.url}/api/images`, {
        method: 'POST',
        headers: { 'content-type': 'image/png', authorization: `Bearer ${token}` },
        body: await makeImage('png', 200, 100),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      await sink.waitFor((l) => l.msg === 'image job completed' && l.imageId === id);
      expect(((await (await fetch(`${server.url}/api/images/${id}`)).json()) as { status: string }).status).toBe('ready');
    } finally {
      await notifications.close();
      await b.worker?.drain();
      await server.close();
      await t.close();
    }
  });
});
