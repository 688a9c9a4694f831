// Evidence for docs/decisions/0001-terminus.md: the parts of @godaddy/terminus that do not fit
// podkit's shutdown design, shown against the real library in a child process.
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runFixture } from './helpers/child.ts';
import type { ChildService } from './helpers/child.ts';

const fixture = fileURLToPath(new URL('./fixtures/terminus-service.ts', import.meta.url));
const children: ChildService[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
});

function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, path, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    r.on('error', reject);
    r.end();
  });
}

describe('@godaddy/terminus does not fit podkit’s lifecycle', () => {
  it('installs its own SIGTERM handler, fails liveness during shutdown, cuts a 3 s request 1 s after it stops the server (its default timeout) and re-raises the signal', async () => {
    const svc = runFixture(fixture, { SLOW_MS: '3000', BEFORE_SHUTDOWN_MS: '800' });
    children.push(svc);
    const { port, sigtermListenersAdded } = (await svc.next('listening')) as { port: number; sigtermListenersAdded: number };
    // 1. Its own process-level signal handler, competing with core's lifecycle.
    expect(sigtermListenersAdded).toBe(1);

    const agent = new Agent({ keepAlive: true });
    const slow = get(port, '/slow', agent).then(
      (r) => ({ outcome: 'answered', ...r }),
      (err: NodeJS.ErrnoException) => ({ outcome: 'cut', code: err.code }),
    );
    await svc.next('slow-arrived');
    svc.child.kill('SIGTERM');
    await svc.next('shutdown-started');

    // 2. Liveness answers 503 during shutdown: Kubernetes would restart a pod that is draining.
    const liveness = await get(port, '/health');
    expect(liveness.status).toBe(503);

    // 3. The in-flight request (3 s) is cut by the 1 s default timeout, which starts only after beforeShutdown.
    expect(await slow).toMatchObject({ outcome: 'cut' });

    // 4. It ends the process by re-raising SIGTERM itself, not through the service's hooks.
    const exit = await svc.exited;
    expect(exit.signal).toBe('SIGTERM');
    agent.destroy();
  });
});
