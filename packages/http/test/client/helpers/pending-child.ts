// Child process of lifecycle.test.ts: a script (a CLI, a Kubernetes Job) whose only work is one
// call that waits for a retry backoff or a Retry-After. Nothing else holds the event loop, so the
// pending call must, and once it settled the client (never closed) must not.
// Usage: node pending-child.ts <url> <path> <tla|then>
import { createClient } from '../../../src/index.ts';

const [url = '', path = '/', mode = 'tla'] = process.argv.slice(2);
// full jitter with random() = 0.99: a backoff of about 300 ms, on the real (unref'ed) clock
const client = createClient({ name: 'job', baseUrl: url, retry: { baseDelayMs: 300, maxDelayMs: 300 }, random: () => 0.99 });

if (mode === 'tla') {
  const res = await client.get(path);
  process.stdout.write(`${res.status} ${await res.text()}`);
} else {
  void client
    .get(path)
    .then(async (res) => `${res.status} ${await res.text()}`)
    .then((line) => process.stdout.write(line));
}
