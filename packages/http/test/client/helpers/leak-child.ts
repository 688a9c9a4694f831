// Child process of leak.test.ts: runs the client alone so its RSS is measured without the test
// runner or the upstream. Usage: node --expose-gc leak-child.ts <url> <connections> <calls>
import { createClient, HttpStatusError } from '../../../src/index.ts';

const [url = '', connectionsArg = '8', callsArg = '10000'] = process.argv.slice(2);
const connections = Number(connectionsArg);
const calls = Number(callsArg);
const client = createClient({ name: 'leak', baseUrl: url, pool: { connections }, breaker: false, retry: false });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

async function run(n: number): Promise<number> {
  let failures = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < n) {
      const err = await client.get('/x').catch((e: unknown) => e);
      if (err instanceof HttpStatusError && err.status === 500 && err.bodySnippet.length === 1024) failures++;
    }
  };
  await Promise.all(Array.from({ length: connections * 2 }, worker));
  return failures;
}

// Warm-up until V8's young generation has reached its working size.
await run(3000);
gc();
const before = process.memoryUsage().rss;
const failures = await run(calls);
gc();
const after = process.memoryUsage().rss;
await client.close();
process.stdout.write(JSON.stringify({ failures, grownMb: (after - before) / 1024 / 1024 }));
