import { afterEach } from 'vitest';
import { createClient } from '../../../src/index.ts';
import type { ClientOptions, HttpClient } from '../../../src/index.ts';
import { startUpstream } from './upstream.ts';
import type { Upstream } from './upstream.ts';

const cleanup: (() => Promise<void>)[] = [];

/** Registers the per-test cleanup hook; call once at the top of a test file. */
export function useCleanup(): void {
  afterEach(async () => {
    await Promise.all(cleanup.splice(0).map((f) => f()));
  });
}

/** A started upstream, stopped after the test. */
export async function upstream(): Promise<Upstream> {
  const u = await startUpstream();
  cleanup.push(() => u.stop());
  return u;
}

/** A client, closed after the test. */
export function client(options: ClientOptions): HttpClient {
  const c = createClient(options);
  cleanup.push(() => c.close());
  return c;
}
